using System.Text.Json;

namespace AneCompat.Tests.Support;

/// <summary>Locates the shared corpus of real models (../shared/corpus from the repository root) without copying it.</summary>
public static class Corpus
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Dir { get; } = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared", "corpus"));

    /// <summary>Path of a corpus model given its key in expected-ops.json ("mnist-ph1ps/MNIST.mlmodel").</summary>
    public static string Path(string key) => System.IO.Path.Combine(Dir, key);

    /// <summary>expected-ops.json: model key → (kinds, op counts by source type).</summary>
    public static IReadOnlyDictionary<string, (string[] Kinds, Dictionary<string, int> Ops)> Expected { get; } = LoadExpected();

    public static IEnumerable<object[]> Keys() => Expected.Keys.OrderBy(k => k, StringComparer.Ordinal).Select(k => new object[] { k });

    private static IReadOnlyDictionary<string, (string[], Dictionary<string, int>)> LoadExpected()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Combine(Dir, "expected-ops.json")));
        var result = new Dictionary<string, (string[], Dictionary<string, int>)>(StringComparer.Ordinal);
        foreach (var model in doc.RootElement.EnumerateObject())
        {
            var kinds = model.Value.TryGetProperty("kinds", out var k) ? k.EnumerateArray().Select(x => x.GetString()!).ToArray() : Array.Empty<string>();
            var ops = new Dictionary<string, int>(StringComparer.Ordinal);
            if (model.Value.TryGetProperty("ops", out var o))
                foreach (var op in o.EnumerateObject()) ops[op.Name] = op.Value.GetInt32();
            result[model.Name] = (kinds, ops);
        }
        return result;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "AneCompat.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (AneCompat.slnx) not found");
    }
}
