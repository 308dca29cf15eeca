using AneCompat.Containers;
using AneCompat.Diagnostics;
using AneCompat.Tests.Fuzzing;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Robustness;

/// <summary>Reading never changes, adds or removes a file: not in the corpus, not next to the input.</summary>
public class NothingLostTests
{
    private static void Read(string model)
    {
        try { ModelReader.Read(model); }
        catch (ModelReadException) { }
    }

    [CorpusFact]
    public void CorpusIsUnchangedAfterReadingEveryModelAndFuzzing()
    {
        var before = CorpusHashes.Snapshot();
        Assert.True(before.Count > 60, $"only {before.Count} corpus entries hashed");
        var models = ModelLocator.FindModels(Corpus.Dir);
        Assert.True(models.Count >= 40, $"only {models.Count} corpus models found");
        foreach (var model in models)
        {
            Read(model);
            Assert.Equal(0, CliRunner.Run("dump", model).ExitCode);
        }
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot());

        // A short fuzz run (which copies seeds out of the corpus and mutates only the copies) leaves it alone too.
        var report = new FuzzRunner { RunSeed = 99 }.Run(0, 500);
        Assert.Equal(500, report.Cases);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot());
    }

    public static IEnumerable<object[]> Models() =>
        ModelLocator.FindModels(Corpus.Dir).Select(m => new object[] { Path.GetRelativePath(Corpus.Dir, m) });

    [CorpusTheory]
    [MemberData(nameof(Models))]
    public void ReadingWritesNothingNextToTheInput(string key)
    {
        // The model is copied (with its folder neighbours) to a temporary folder; the listing of that folder —
        // names, sizes, hashes, modification times — must be the same after reading through the library and the CLI.
        using var t = new TempDir();
        var source = Corpus.Path(key);
        var copy = Path.Combine(t.Path, Path.GetFileName(source));
        if (Directory.Exists(source)) FuzzRunner.CopyFolder(source, copy);
        else File.Copy(source, copy);
        var before = Listing(t.Path);

        Read(copy);
        CliRunner.Run("dump", copy);
        CliRunner.Run("dump", "--json", copy);

        Assert.Equal(before, Listing(t.Path));
    }

    private static string Listing(string dir)
    {
        var hashes = CorpusHashes.Snapshot(dir);
        var times = Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => $"{Path.GetRelativePath(dir, p)} {File.GetLastWriteTimeUtc(p):O}");
        return string.Join("\n", hashes.Select(kv => $"{kv.Key} {kv.Value}").Concat(times));
    }
}
