using System.Text.Json;

namespace AneCompat.Tests.Support;

/// <summary>
/// Locates the shared corpus of real models without copying it: <c>$ANECOMPAT_CORPUS</c> when set, else
/// <c>../shared/corpus</c> beside the repository. The fact base and the other shared material (ane-rules.md,
/// formats.md) are read from the corpus folder's parent. On a plain clone neither exists and the tests that need them
/// are skipped with <see cref="MissingReason"/> (<see cref="CorpusFactAttribute"/>, <see cref="CorpusTheoryAttribute"/>).
/// </summary>
public static class Corpus
{
    /// <summary>The variable that names the corpus folder; when it is set the corpus is required, never skipped.</summary>
    public const string Variable = "ANECOMPAT_CORPUS";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Dir { get; } = System.IO.Path.GetFullPath(
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } explicitDir ? explicitDir : System.IO.Path.Combine(RepoRoot, "..", "shared", "corpus"));

    /// <summary>The shared material folder (ane-rules.md, formats.md, corpus/): the corpus folder's parent.</summary>
    public static string SharedDir { get; } = System.IO.Path.GetDirectoryName(Dir)!;

    /// <summary>A file of the shared material ("ane-rules.md").</summary>
    public static string Shared(string name) => System.IO.Path.Combine(SharedDir, name);

    /// <summary>
    /// Why corpus tests are skipped, or null when they run: the corpus is present, or <c>$ANECOMPAT_CORPUS</c> is set
    /// (then a wrong path fails the tests loudly instead of skipping them — CI sets it).
    /// </summary>
    public static string? MissingReason { get; } =
        File.Exists(System.IO.Path.Combine(Dir, "expected-ops.json")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))
            ? null
            : $"needs the external model corpus: not found at {Dir}; set {Variable} to the corpus folder (the shared/corpus material)";

    /// <summary>Path of a corpus model given its key in expected-ops.json ("mnist-ph1ps/MNIST.mlmodel").</summary>
    public static string Path(string key) => System.IO.Path.Combine(Dir, key);

    /// <summary>expected-ops.json: model key → (kinds, op counts by source type).</summary>
    public static IReadOnlyDictionary<string, (string[] Kinds, Dictionary<string, int> Ops)> Expected => ExpectedOps.Value;

    // Loaded on first use, not in the type initializer: RepoRoot and MissingReason must work without the corpus.
    private static readonly Lazy<IReadOnlyDictionary<string, (string[] Kinds, Dictionary<string, int> Ops)>> ExpectedOps = new(LoadExpected);

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
