using AneCompat.Tests.Support;
using Xunit.Abstractions;

namespace AneCompat.Tests.Fuzzing;

/// <summary>Runs only when FUZZ_CASES is set: the long fuzz run is asked for, never part of the normal suite.</summary>
public sealed class FuzzLongFactAttribute : FactAttribute
{
    public FuzzLongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FUZZ_CASES") is null)
            Skip = "long fuzz run: set FUZZ_CASES=N (and optionally FUZZ_SEED, FUZZ_FIRST_CASE) to run it";
    }
}

/// <summary>
/// Mutation fuzzing of everything <c>ModelReader.Read</c> accepts, seeded from the shared corpus: every mutant must
/// give a graph or one clean <c>ModelReadException</c>, within 5 s and a bounded amount of memory, and the corpus must
/// be byte-for-byte unchanged afterwards. Reproduce a case with its number and seed (<see cref="FuzzRunner.Materialize"/>).
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    /// <summary>The seed of the normal suite's run (fixed so a failure reproduces).</summary>
    private const ulong SuiteSeed = 0xA9E_C0_4BA7;

    private FuzzReport RunAndCheck(ulong seed, long first, long count)
    {
        var before = CorpusHashes.Snapshot();
        var report = new FuzzRunner { RunSeed = seed }.Run(first, count);
        output.WriteLine($"{FuzzCorpus.Seeds.Count} seed models, {FuzzCorpus.Targets.Count} target files");
        output.WriteLine($"seed {seed}, cases {first}..{first + count - 1}: {report.Summary()}");
        foreach (var f in report.Failures) output.WriteLine("FAILURE " + f);
        Assert.True(report.Failures.IsEmpty, $"{report.Failures.Count} fuzz failures (seed {seed}):\n" + string.Join("\n", report.Failures));
        Assert.Equal(count, report.Cases);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot());
        return report;
    }

    [CorpusFact]
    [Trait("Category", "Fuzz")]
    public void BoundedRunOf20000Cases()
    {
        var report = RunAndCheck(SuiteSeed, 0, FuzzSettings.Long("FUZZ_SUITE_CASES", 20_000));
        // Every format the corpus has was actually fuzzed.
        foreach (var format in FuzzCorpus.Targets.Select(t => t.Format).Distinct())
            Assert.True(report.ByFormat.ContainsKey(format), $"no case mutated a {format} file");
    }

    /// <summary><c>FUZZ_CASES=1000000 dotnet test tests/AneCompat.Tests --filter Category=FuzzLong</c> (see docs/robustness.md).</summary>
    [FuzzLongFact]
    [Trait("Category", "FuzzLong")]
    public void LongRun()
    {
        var seed = (ulong)FuzzSettings.Long("FUZZ_SEED", (long)SuiteSeed + 1);
        RunAndCheck(seed, FuzzSettings.Long("FUZZ_FIRST_CASE", 0), FuzzSettings.Long("FUZZ_CASES", 1_000_000));
    }

    [CorpusFact]
    [Trait("Category", "Fuzz")]
    public void MutationIsDeterministicPerCaseNumber()
    {
        for (long n = 0; n < 200; n++)
        {
            var a = Mutator.Make(n, SuiteSeed, FuzzCorpus.Targets);
            var b = Mutator.Make(n, SuiteSeed, FuzzCorpus.Targets);
            Assert.Equal(a.Description, b.Description);
            Assert.Equal(a.Bytes, b.Bytes);
        }
        // …and different case numbers give different mutants.
        var distinct = Enumerable.Range(0, 200).Select(n => Mutator.Make(n, SuiteSeed, FuzzCorpus.Targets).Description).Distinct().Count();
        Assert.True(distinct > 190, $"only {distinct} distinct mutants out of 200");
    }

    [CorpusFact]
    [Trait("Category", "Fuzz")]
    public void LengthFieldsAreFoundInEveryProtobufSeed()
    {
        // The inflation mutation is only as good as the scan that finds protobuf lengths: each .mlmodel has many.
        foreach (var t in FuzzCorpus.Targets.Where(t => t.Format == FuzzFormat.ProtobufModel))
        {
            Assert.True(t.Lengths.Count >= 3, $"{t.Describe}: only {t.Lengths.Count} length fields found");
            // Each found varint is a real length: it fits in the file after itself.
            foreach (var l in t.Lengths.Take(1000))
                Assert.True((ulong)(l.Offset + l.Width) + l.Value <= (ulong)t.Original.Length, $"{t.Describe}: length at {l.Offset} overruns the file");
        }
        Assert.Contains(FuzzCorpus.Targets, t => t.Format == FuzzFormat.WeightBin && t.Regions.Count > 1);
    }

    /// <summary>The command line on a sample of mutants: exit 0 or 3, exactly one stderr line for 3, never a stack trace.</summary>
    [CorpusFact]
    [Trait("Category", "Fuzz")]
    public void CliDumpOnMutants()
    {
        const ulong seed = SuiteSeed + 7;
        using var t = new TempDir();
        var counts = new Dictionary<int, int>();
        for (long n = 0; n < 300; n++)
        {
            var (path, mutant) = FuzzRunner.Materialize(n, seed, t.Path);
            var r = CliRunner.Run("dump", path);
            counts[r.ExitCode] = counts.GetValueOrDefault(r.ExitCode) + 1;
            Assert.DoesNotContain("   at ", r.Stderr);
            var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(r.ExitCode is 0 or 3, $"{mutant.Description}: exit {r.ExitCode}, stderr {r.Stderr}");
            if (r.ExitCode == 3)
            {
                Assert.True(lines.Length == 1, $"{mutant.Description}: {lines.Length} stderr lines: {r.Stderr}");
                Assert.StartsWith("anecompat: /", lines[0]);
            }
            else
            {
                Assert.All(lines, l => Assert.StartsWith("anecompat: warning: ", l));
            }
            Directory.Delete(Path.Combine(t.Path, $"case-{n}"), recursive: true);
        }
        output.WriteLine("exit codes: " + string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")));
        Assert.True(counts.GetValueOrDefault(3) > 0, "no mutant was refused: the sample does not exercise errors");
    }
}
