using System.Text.Json;
using AneCompat.Diagnostics;

namespace AneCompat.Decoders.Json;

/// <summary>
/// Loads the JSON files found inside compiled models (metadata.json, model.espresso.net/.shape) with a size bound and
/// a nesting bound, and reads their loosely typed values (numbers written as numbers or as strings).
/// </summary>
internal static class BoundedJson
{
    /// <param name="countedArray">A root property whose array is counted against <paramref name="maxElements"/> before the document is built.</param>
    public static JsonDocument Load(string path, long maxBytes, string what, string? countedArray = null, int maxElements = int.MaxValue)
    {
        var bytes = ModelFiles.ReadAllBytes(path, maxBytes, what);
        JsonPrescan.Check(bytes, path, what, Limits.MaxJsonTokens, countedArray, maxElements);
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions
            {
                MaxDepth = Limits.MaxJsonDepth,
                AllowTrailingCommas = true,
                CommentHandling = JsonCommentHandling.Skip,
                // One key twice in an object is refused: readers disagree on which copy wins (first or last), so a
                // file could show us one thing and Core ML another.
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException e)
        {
            throw new ModelReadException(path, $"{what} is not valid JSON ({e.Message})");
        }
    }

    public static long? Long(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var l) => l,
            JsonValueKind.Number when v.TryGetDouble(out var d) && double.IsFinite(d) && Math.Abs(d) < 9e18 => (long)d,
            JsonValueKind.String when long.TryParse(v.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            _ => null,
        };
    }

    public static double? Double(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetDouble(out var d) => d,
            JsonValueKind.String when double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            _ => null,
        };
    }

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The value as text whatever its JSON kind (metadata.json writes flags as "0"/"1" and versions as strings or numbers).</summary>
    public static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => null,
    };
}
