using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Planning;

/// <summary>
/// Every case of ../shared/calibration/cases.json: a compiled ML program whose real Core ML plan (MLComputePlan, M4)
/// was published. The prediction agrees with a case when the observed device (ANE, CPU or GPU) holds at least 90 % of
/// the compute ops, with the case's chip and compute units. The placement cost model is fitted loosely to these
/// plans (docs/calibration.md) and is never told which file it reads.
/// </summary>
[Trait("Category", "Corpus")]
public class CalibrationTests
{
    private static readonly string Dir = Path.GetFullPath(Path.Combine(Corpus.RepoRoot, "..", "shared", "calibration"));

    public sealed record Case(string Id, string Model, string Chip, string ComputeUnits, string Observed);

    public static IReadOnlyList<Case> Cases { get; } = Load();

    private static IReadOnlyList<Case> Load()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Dir, "cases.json")));
        return doc.RootElement.EnumerateArray().Select(c => new Case(
            c.GetProperty("id").GetString()!, c.GetProperty("model").GetString()!, c.GetProperty("chip").GetString()!,
            c.GetProperty("computeUnits").GetString()!, c.GetProperty("observed").GetString()!)).ToArray();
    }

    /// <summary>Case index and a readable label (ids repeat when a program was observed under two compute-unit settings).</summary>
    public static IEnumerable<object[]> CaseIndices() =>
        Cases.Select((c, i) => new object[] { i, $"{c.Id} ({c.ComputeUnits})" });

    private static Device DeviceOf(string observed) => observed switch
    {
        "ANE" => Device.Ane,
        "CPU" => Device.Cpu,
        "GPU" => Device.Gpu,
        _ => throw new InvalidDataException($"cases.json: unknown observed device '{observed}'"),
    };

    public static double Agreement(Case c)
    {
        Assert.True(ComputeUnitNames.TryParse(c.ComputeUnits, out var units), c.ComputeUnits);
        var chip = ChipProfiles.Find(c.Chip) ?? throw new InvalidDataException($"cases.json: unknown chip '{c.Chip}'");
        var report = ReportBuilder.Analyze(ModelReader.Read(Path.Combine(Dir, c.Model)), chip, units);
        var compute = report.Ops.Where(o => o.Role == OpRole.Compute).ToList();
        Assert.NotEmpty(compute);
        return (double)compute.Count(o => o.Device == DeviceOf(c.Observed)) / compute.Count;
    }

    [CorpusTheory]
    [MemberData(nameof(CaseIndices))]
#pragma warning disable xUnit1026 // the label only names the case in test output
    public void Prediction_agrees_with_the_published_plan(int index, string label)
#pragma warning restore xUnit1026
    {
        var c = Cases[index];
        Assert.InRange(Agreement(c), 0.9, 1.0);
    }

    [CorpusFact]
    public void The_set_has_every_device_and_both_compute_unit_settings()
    {
        // The cases cover what the model must tell apart; if the set shrinks, the score above means less.
        Assert.True(Cases.Count >= 20, $"{Cases.Count} cases");
        Assert.Equal(new[] { "ANE", "CPU", "GPU" }, Cases.Select(c => c.Observed).Distinct().Order());
        Assert.Contains(Cases, c => c.ComputeUnits == "cpu-and-ne");
    }
}
