using AneCompat.Containers;
using AneCompat.Decoders.Compiled;
using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat;

/// <summary>
/// The library's front door for reading: path → container → decoder → <see cref="ModelGraph"/>.
/// Throws <see cref="ModelReadException"/> (one line naming the file and the problem) for anything unreadable.
/// </summary>
public static class ModelReader
{
    public static ModelGraph Read(string path)
    {
        var source = ModelLocator.Locate(path);
        try
        {
            return source.Container switch
            {
                ContainerKind.MlModelC => ReadCompiled(source),
                _ => SpecDecoder.Read(source),
            };
        }
        catch (ModelReadException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelReadException(source.Path, $"cannot read: {e.Message}");
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or System.Text.Json.JsonException or FormatException or OverflowException or InvalidDataException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or KeyNotFoundException or NullReferenceException or InvalidCastException)
        {
            // Decoders validate what they read; anything that still slips through is reported as corrupt input,
            // never as a stack trace.
            throw new ModelReadException(source.Path, $"corrupt or unsupported model ({e.GetType().Name}: {e.Message})");
        }
    }

    private static ModelGraph ReadCompiled(ModelSource source)
    {
        var warnings = new List<ReadWarning>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var root = CompiledModelDecoder.Decode(source.Path, "", warnings, metadata);
        var graph = new ModelGraph { SourcePath = source.Path, Container = ContainerKind.MlModelC, Root = root };
        graph.Warnings.AddRange(warnings);
        foreach (var kv in metadata) graph.Metadata[kv.Key] = kv.Value;
        graph.AssignIndices();
        return graph;
    }
}
