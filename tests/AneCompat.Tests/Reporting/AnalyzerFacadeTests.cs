using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules.Catalog;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

public class AnalyzerFacadeTests
{
    [CorpusFact]
    public void OneCallRunsTheWholeFlow()
    {
        var report = Analyzer.Analyze(Corpus.Path("blazeface-nms-pipeline/blazeface_pipeline.mlmodel"), "M1", ComputeUnits.All);
        Assert.Equal(CompatibilityStatus.Partial, report.Status);
        Assert.Equal("M1", report.Target.Name);
        Assert.Contains(report.Rules, r => r.RuleId == "MODEL-NONNN" && r.Descriptor?.Title.Length > 0);
    }

    [Fact]
    public void AnUnknownTargetIsAnArgumentError() =>
        Assert.Throws<ArgumentException>(() => Analyzer.Analyze(Corpus.Path("blazeface-nms-pipeline/blazeface_pipeline.mlmodel"), "Z99"));

    [CorpusFact]
    public void SarifRuleMetadataIsTheCatalogDescriptorNotAFindingMessage()
    {
        var report = Analyzer.Analyze(Corpus.Path("blazeface-nms-pipeline/blazeface_pipeline.mlmodel"));
        using var stream = new MemoryStream();
        SarifReportWriter.Write(report, stream);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var rules = doc.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules");
        var nonnn = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "MODEL-NONNN");
        var d = Descriptors.ModelNonnn;
        Assert.StartsWith(d.Title, nonnn.GetProperty("shortDescription").GetProperty("text").GetString());
        Assert.Contains(d.Condition, nonnn.GetProperty("fullDescription").GetProperty("text").GetString());
        var finding = report.AllFindings.First(f => f.RuleId == "MODEL-NONNN");
        Assert.DoesNotContain(finding.Message, nonnn.GetProperty("fullDescription").GetProperty("text").GetString());
    }
}
