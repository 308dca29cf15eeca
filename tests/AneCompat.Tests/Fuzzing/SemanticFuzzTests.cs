using AneCompat.Tests.Support;
using Xunit.Abstractions;

namespace AneCompat.Tests.Fuzzing;

/// <summary>Runs only when SEMANTIC_FUZZ_CASES is set: the long semantic run is asked for, never part of the suite.</summary>
public sealed class SemanticFuzzLongFactAttribute : FactAttribute
{
    public SemanticFuzzLongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("SEMANTIC_FUZZ_CASES") is null)
            Skip = "long semantic fuzz run: set SEMANTIC_FUZZ_CASES=N (optionally SEMANTIC_FUZZ_SEED, SEMANTIC_FUZZ_FIRST_CASE)";
    }
}

/// <summary>
/// Whole-pipeline semantic fuzzing (issue 13, item 6): corpus models with fields set to extreme values, messages
/// duplicated and renamed, through read → analysis on two target/compute-unit settings per case → every writer, in process,
/// with a per-case watchdog. The corpus must be unchanged afterwards.
/// </summary>
public class SemanticFuzzTests(ITestOutputHelper output)
{
    private const ulong SuiteSeed = 0x5E3A_17C;

    private void RunAndCheck(ulong seed, long first, long count)
    {
        var before = CorpusHashes.Snapshot();
        var result = new SemanticFuzzRunner { RunSeed = seed }.Run(first, count);
        output.WriteLine($"{SemanticFuzzRunner.Seeds.Count} seeds; seed {seed}, cases {first}..{first + count - 1}: {result.Summary()}");
        foreach (var f in result.Failures.Take(20)) output.WriteLine("FAILURE " + f);
        Assert.True(result.Failures.IsEmpty, $"{result.Failures.Count} semantic fuzz failures (seed {seed}):\n" + string.Join("\n", result.Failures.Take(10)));
        Assert.Equal(count, result.Cases);
        // The mutants must reach the analysis and the writers, not only be refused by the reader.
        Assert.True(result.Completed > count / 10, result.Summary());
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot());
    }

    [CorpusFact]
    [Trait("Category", "Fuzz")]
    public void BoundedWholePipelineRun()
    {
        RunAndCheck(SuiteSeed, 0, FuzzSettings.Long("SEMANTIC_FUZZ_SUITE_CASES", 150));
    }

    /// <summary><c>SEMANTIC_FUZZ_CASES=1000000 dotnet test tests/AneCompat.Tests -c Release --filter Category=SemanticFuzzLong</c>.</summary>
    [SemanticFuzzLongFact]
    [Trait("Category", "SemanticFuzzLong")]
    public void LongWholePipelineRun()
    {
        var seed = (ulong)FuzzSettings.Long("SEMANTIC_FUZZ_SEED", (long)SuiteSeed + 1);
        RunAndCheck(seed, FuzzSettings.Long("SEMANTIC_FUZZ_FIRST_CASE", 0), FuzzSettings.Long("SEMANTIC_FUZZ_CASES", 1_000_000));
    }
}
