using System.Text.Json;
using AneCompat.Graph;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Decoders.Compiled;

/// <summary>Temp copies of corpus folders for bad-input tests (the corpus itself is never modified) and independent readers of the JSON side files.</summary>
internal sealed class TempModel : IDisposable
{
    public string Dir { get; }

    private TempModel(string dir) => Dir = dir;

    public static TempModel Empty(string name = "model.mlmodelc")
    {
        var root = Path.Combine(Path.GetTempPath(), "anecompat-compiled-" + Guid.NewGuid().ToString("N"));
        var dir = Path.Combine(root, name);
        Directory.CreateDirectory(dir);
        return new TempModel(dir);
    }

    public static TempModel CopyOf(string corpusKey)
    {
        var source = Corpus.Path(corpusKey);
        var temp = Empty(Path.GetFileName(source));
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(temp.Dir, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            System.IO.File.Copy(file, target);
        }
        return temp;
    }

    public string PathOf(string relative) => Path.Combine(Dir, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path.GetDirectoryName(Dir)!, recursive: true); } catch (IOException) { }
    }
}

internal static class SideFiles
{
    /// <summary>model.espresso.shape read directly: blob → [n, k, h, w] (the corpus files have no _rank, i.e. rank 4).</summary>
    public static Dictionary<string, long[]> EspressoShapes(string dir)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(dir, "model.espresso.shape")));
        return doc.RootElement.GetProperty("layer_shapes").EnumerateObject().ToDictionary(
            p => p.Name,
            p => new[] { "n", "k", "h", "w" }.Select(k => p.Value.GetProperty(k).GetInt64()).ToArray(),
            StringComparer.Ordinal);
    }

    /// <summary>metadata.json's inputSchema or outputSchema: name → shape parsed from its "[1, 10]" text.</summary>
    public static List<(string Name, long[] Shape)> Schema(string dir, string key)
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(dir, "metadata.json")));
        return doc.RootElement[0].GetProperty(key).EnumerateArray().Select(e => (
            e.GetProperty("name").GetString()!,
            e.GetProperty("shape").GetString()!.Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray()
        )).ToList();
    }

    public static long[] Sizes(TensorShape shape) => shape.Sizes ?? throw new Xunit.Sdk.XunitException($"shape {shape} is not fully known");
}
