using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// "Say why": a verdict that comes from placement alone (MNIST: every layer is ANE-eligible, the whole net is too little
/// work) says so in every output — JSON statusReason, the text verdict line, the folder line, and a SARIF result.
/// </summary>
[Trait("Category", "Corpus")]
public class StatusReasonTests
{
    private const string Mnist = "mnist-ph1ps/MNIST.mlmodel";

    private static Report MnistReport() =>
        ReportBuilder.Analyze(ModelReader.Read(Corpus.Path(Mnist)), ChipProfiles.Default, ComputeUnits.All);

    [CorpusFact]
    public void PlacementOnlyVerdictSaysSoInJsonTextAndSarif()
    {
        var report = MnistReport();
        Assert.Equal(CompatibilityStatus.NotCompatible, report.Status);
        Assert.True(report.Reason!.PlacementOnly);
        Assert.Empty(report.AllFindings.Where(f => f.BlocksAne)); // nothing but placement explains the status

        using var json = new MemoryStream();
        JsonReportWriter.Write(report, json);
        using var doc = JsonDocument.Parse(json.ToArray());
        var reason = doc.RootElement.GetProperty("statusReason").GetString()!;
        Assert.StartsWith("not compatible only because of placement, not eligibility:", reason);
        Assert.Contains("COST-MIN-WORK: 10 op(s)", reason);

        var text = CliRunner.Run(Corpus.Path(Mnist));
        Assert.Equal(2, text.ExitCode);
        Assert.Contains("only because of placement", text.Stdout.Split('\n')[0]);

        using var sarif = new MemoryStream();
        SarifReportWriter.Write(report, sarif, "MNIST.mlmodel");
        using var log = JsonDocument.Parse(sarif.ToArray());
        var run = log.RootElement.GetProperty("runs")[0];
        var result = Assert.Single(run.GetProperty("results").EnumerateArray(), r => r.GetProperty("ruleId").GetString() == "COST-MIN-WORK");
        Assert.Equal("warning", result.GetProperty("level").GetString());
        Assert.Contains("only because of placement", result.GetProperty("message").GetProperty("text").GetString());
        var ruleIndex = result.GetProperty("ruleIndex").GetInt32();
        Assert.Equal("COST-MIN-WORK", run.GetProperty("tool").GetProperty("driver").GetProperty("rules")[ruleIndex].GetProperty("id").GetString());
    }

    [CorpusFact]
    public void FolderLineSaysWhenTheVerdictIsPlacementOnly()
    {
        using var t = new TempDir();
        File.Copy(Corpus.Path(Mnist), t.File("MNIST.mlmodel"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), t.File("Swish.mlmodel"));
        var lines = CliRunner.Run(t.Path).Stdout.Split('\n');
        Assert.Contains("only because of placement", Assert.Single(lines, l => l.Contains("MNIST.mlmodel")));
        // A model off the ANE because of a rule names the rule and is not called placement-only.
        var swish = Assert.Single(lines, l => l.Contains("Swish.mlmodel"));
        Assert.Contains("MODEL-CUSTOM", swish);
        Assert.DoesNotContain("only because of placement", swish);
    }

    [CorpusFact]
    public void ReasonNamesBlockingRulesAndPlacementSeparately()
    {
        var partial = SampleReports.ConvCustomConv();
        Assert.False(partial.Reason!.PlacementOnly);
        Assert.Contains("1 of 3 compute ops cannot run on the ANE (MODEL-CUSTOM ×1)", partial.StatusReason);
        Assert.DoesNotContain("placement", partial.StatusReason);

        var cpuOnly = SampleReports.ConvCustomConv(ComputeUnits.CpuOnly);
        Assert.Contains("CU-CONFIG", cpuOnly.StatusReason);

        var full = ReportBuilder.Analyze(ModelReader.Read(Corpus.Path("pose-cpm/model_cpm.mlmodel")), ChipProfiles.Default, ComputeUnits.All);
        Assert.Equal("every compute op (757) is predicted on the ANE", full.StatusReason);
    }
}
