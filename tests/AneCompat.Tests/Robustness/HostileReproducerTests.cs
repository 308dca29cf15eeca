using System.Text.Json;
using AneCompat.Diagnostics;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Robustness;

/// <summary>
/// The reproducers in ../shared/hostile (issue 13): each gives its documented answer, and no command or format on
/// any of them ends in "internal error" (exit 7) — the analysis stage and every writer are under the reader's contract.
/// </summary>
public class HostileReproducerTests
{
    private static readonly string Dir = Path.GetFullPath(Path.Combine(Corpus.RepoRoot, "..", "shared", "hostile"));
    private static string Repro(string name) => Path.Combine(Dir, name);

    public static IEnumerable<object[]> All() =>
        Directory.Exists(Dir)
            ? Directory.EnumerateFileSystemEntries(Dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n! })
            : Array.Empty<object[]>();

    private static JsonElement Json(CliRunner.Result r)
    {
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.Clone();
    }

    private static string OneErrorLine(CliRunner.Result r)
    {
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("anecompat: warning:")).ToArray();
        return Assert.Single(lines);
    }

    [CorpusFact]
    public void ConvolutionWithStrideZeroIsAnInvalidModel()
    {
        var r = CliRunner.Run(Repro("conv-stride0-fully-compatible.mlmodel"));
        Assert.Equal(3, r.ExitCode);
        var line = OneErrorLine(r);
        Assert.Contains("conv-stride0-fully-compatible.mlmodel: invalid model: op #0", line);
        Assert.Contains("stride 0", line);
        Assert.Throws<ModelReadException>(() => ModelReader.Read(Repro("conv-stride0-fully-compatible.mlmodel")));
    }

    [CorpusFact]
    public void MilTextWithStrideZeroIsAnInvalidModel()
    {
        var r = CliRunner.Run(Repro("weightbytes-overflow-miltext.mlmodelc"));
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("invalid model: op #2 d (conv) has stride 0", OneErrorLine(r));
    }

    [CorpusFact]
    public void MilTextWeightBytesSaturateInsteadOfOverflowing()
    {
        // The same model with a valid stride: two 2^62×2^62 fp16 constants must give a saturated total, not exit 7.
        using var t = new TempDir();
        var mlmodelc = Path.Combine(t.Path, "big-weights.mlmodelc");
        Directory.CreateDirectory(mlmodelc);
        var mil = File.ReadAllText(Path.Combine(Repro("weightbytes-overflow-miltext.mlmodelc"), "model.mil")).Replace("[0, 0]", "[1, 1]");
        File.WriteAllText(Path.Combine(mlmodelc, "model.mil"), mil);
        var r = CliRunner.Run(mlmodelc, "--format", "json");
        Assert.InRange(r.ExitCode, 0, 2);
        Assert.DoesNotContain("internal error", r.Stderr);
        Assert.True(Json(r).GetProperty("model").GetProperty("weightBytes").GetInt64() > 0);
    }

    [CorpusFact]
    public void WeightByteTotalOfTwoHugeConstantsIsReported()
    {
        var r = CliRunner.Run(Repro("weightbytes-overflow-two-consts.mlmodel"), "--format", "json");
        Assert.Equal(2, r.ExitCode);
        var json = Json(r);
        Assert.True(json.GetProperty("model").GetProperty("weightBytes").GetInt64() > 1L << 60);
        Assert.Contains(json.GetProperty("rules").EnumerateArray(), rule => rule.GetProperty("ruleId").GetString() == "COST-MODEL-SIZE");
    }

    [CorpusFact]
    public void PlannerCopyBytesAreSummedWithoutOverflow()
    {
        var r = CliRunner.Run(Repro("planner-copybytes-overflow.mlmodel"), "--format", "json");
        Assert.Equal(1, r.ExitCode);
        var cost = Json(r).GetProperty("switchCost");
        Assert.Equal(3, cost.GetProperty("switches").GetInt32());
        Assert.True(cost.GetProperty("copyBytes").GetInt64() > 1L << 60);
    }

    [CorpusFact]
    public void TileFactorProductThatWouldDivideByZeroIsAFinding()
    {
        var r = CliRunner.Run(Repro("tilefactor-divide-by-zero.mlmodel"), "--format", "json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(Json(r).GetProperty("rules").EnumerateArray(), rule => rule.GetProperty("ruleId").GetString() == "TILE-SPACE");
    }

    [CorpusFact]
    public void DumpJsonWritesInfinityAsTheSchemaSays()
    {
        var r = CliRunner.Run("dump", Repro("dumpjson-attr-inf.mlmodel"), "--json");
        Assert.Equal(0, r.ExitCode);
        var ops = Json(r).GetProperty("ops").EnumerateArray().ToList();
        var attributes = ops.Select(o => o.TryGetProperty("attributes", out var a) ? a : default).Where(a => a.ValueKind == JsonValueKind.Object).ToList();
        Assert.Contains(attributes, a => a.TryGetProperty("alpha", out var alpha) && alpha.ValueKind == JsonValueKind.String && alpha.GetString() is "Infinity" or "-Infinity" or "NaN");
    }

    [CorpusTheory]
    [MemberData(nameof(All))]
    public void NoCommandOrFormatEndsInAnInternalError(string name)
    {
        var path = Repro(name);
        foreach (var args in new[]
        {
            new[] { path }, [path, "--format", "json"], [path, "--format", "sarif"], [path, "--format", "html"],
            [path, "--target", "all"], [path, "--compute-units", "cpu-and-gpu"], ["dump", path], ["dump", path, "--json"],
        })
        {
            var r = CliRunner.Run(args);
            Assert.True(r.ExitCode is >= 0 and <= 3, $"{string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}");
            Assert.DoesNotContain("internal error", r.Stderr);
            if (r.ExitCode == 3) Assert.StartsWith($"anecompat: {path}", OneErrorLine(r));
            else if (args.Contains("json") || args.Contains("--json") || args.Contains("sarif")) Json(r);
        }
    }

    [CorpusFact]
    public void FolderRunRecordsEachFailingModelAndReachesItsSummaryAndDocuments()
    {
        var text = CliRunner.Run(Dir);
        Assert.Equal(3, text.ExitCode);
        var lines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(All().Count() + 1, lines.Length);
        Assert.Equal(2, lines.Count(l => l.StartsWith("3 unreadable")));
        Assert.StartsWith($"{All().Count()} model(s) on", lines[^1]);
        Assert.DoesNotContain("internal error", text.Stderr);

        var json = CliRunner.Run(Dir, "--format", "json");
        Assert.Equal(3, json.ExitCode);
        var doc = Json(json);
        Assert.Equal(All().Count() - 2, doc.GetProperty("models").GetArrayLength());
        Assert.Equal(2, doc.GetProperty("unreadable").GetArrayLength());

        var sarif = CliRunner.Run(Dir, "--format", "sarif");
        Assert.Equal(3, sarif.ExitCode);
        Json(sarif);
    }
}
