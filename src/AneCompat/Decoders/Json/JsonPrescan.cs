using System.Text.Json;
using AneCompat.Diagnostics;

namespace AneCompat.Decoders.Json;

/// <summary>
/// One forward pass over a JSON file's bytes before a <see cref="JsonDocument"/> is built from them: counts every
/// token and the elements of one array of the root object (espresso's <c>layers</c>), and refuses the file when
/// either is over its bound. A JsonDocument costs 12 bytes of index per token on top of the bytes, so a file of
/// small tokens (<c>[0,0,0,…]</c>) would otherwise cost several times its size before a layer is counted.
/// The reader allocates nothing per token.
/// </summary>
internal static class JsonPrescan
{
    /// <param name="countedArray">A property of the root object whose array elements are counted against <paramref name="maxElements"/>, or null.</param>
    public static void Check(ReadOnlySpan<byte> json, string path, string what, long maxTokens, string? countedArray = null, int maxElements = int.MaxValue)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            MaxDepth = Limits.MaxJsonDepth,
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        });
        long tokens = 0;
        var elements = 0;
        var inCounted = false;      // inside the counted array (its elements sit at depth 2)
        var nextIsCounted = false;  // the root property just read is the counted one
        try
        {
            while (reader.Read())
            {
                if (++tokens > maxTokens)
                    throw new ModelReadException(path, $"{what} has more than {maxTokens} JSON tokens, over the limit");
                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when depth == 1:
                        nextIsCounted = countedArray is not null && reader.ValueTextEquals(countedArray);
                        continue;
                    case JsonTokenType.StartArray when depth == 1 && nextIsCounted:
                        inCounted = true;
                        break;
                    case JsonTokenType.EndArray when depth == 1:
                        inCounted = false;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        break;
                    default:
                        if (inCounted && depth == 2 && ++elements > maxElements)
                            throw new ModelReadException(path, $"{what} has more than {maxElements} {countedArray}, over the limit of {maxElements}");
                        break;
                }
                nextIsCounted = false;
            }
        }
        catch (JsonException e)
        {
            throw new ModelReadException(path, $"{what} is not valid JSON ({e.Message})");
        }
    }
}
