using AneCompat.Containers;
using AneCompat.Decoders;
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
        // Locating is inside the guard too: a hostile package can make even finding the root model fail.
        var named = NameForErrors(path);
        try
        {
            var source = ModelLocator.Locate(path);
            named = source.Path;
            var graph = source.Container switch
            {
                ContainerKind.MlModelC => ReadCompiled(source),
                _ => SpecDecoder.Read(source),
            };
            LayerParameterCheck.Check(graph);
            return graph;
        }
        catch (ModelReadException) { throw; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelReadException(named, $"cannot read: {e.Message}");
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ModelReadException(named, "structures nested too deeply to decode");
        }
        catch (Exception e) when (PipelineGuard.IsModelFault(e))
        {
            // Decoders validate what they read; anything that still slips through is reported as corrupt input,
            // never as a stack trace.
            throw new ModelReadException(named, $"corrupt or unsupported model ({e.GetType().Name}: {SafeText.Quote(e.Message, 300)})");
        }
    }

    /// <summary>The absolute path when it can be formed (an empty or malformed path is named as given).</summary>
    private static string NameForErrors(string path)
    {
        try { return System.IO.Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return path.Length == 0 ? "(empty path)" : path; }
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
