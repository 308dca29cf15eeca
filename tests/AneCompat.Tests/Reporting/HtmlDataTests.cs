using System.Text;
using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// What the HTML graph and dashboard are drawn from: op inputs with their producers, nested-block owners, the
/// <c>--target all</c> matrix in JSON and HTML, and the folder dashboard document.
/// </summary>
public class HtmlDataTests
{
    private static MiniJsonSchema Schema() =>
        new(JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Corpus.RepoRoot, "docs", "report-schema.json"))).RootElement);

    private static JsonElement EmbeddedData(string html)
    {
        var start = html.IndexOf("id=\"report-data\">", StringComparison.Ordinal) + "id=\"report-data\">".Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        return JsonDocument.Parse(html[start..end]).RootElement;
    }

    [Fact]
    public void EachOpInputNamesTheOpThatProducedIt()
    {
        var report = SampleReports.LargeResidual(9, cutEvery: 1000); // conv, conv, add(t1, image), conv, conv, add(t4, t2), …
        var add = report.Ops.Single(o => o.Name == "t5_op");
        Assert.Equal(["t4", "t2"], add.Inputs.Select(i => i.Name));
        Assert.Equal([4, 2], add.Inputs.Select(i => i.From));
        var first = report.Ops.Single(o => o.Name == "t0_op");
        Assert.Null(first.Inputs.Single(i => i.Name == "image").From); // a model input has no producer
        using var json = JsonDocument.Parse(JsonReportWriter.ToJson(report));
        Assert.Empty(Schema().Validate(json.RootElement));
        var inputs = json.RootElement.GetProperty("ops")[add.Index].GetProperty("inputs");
        Assert.Equal(4, inputs[0].GetProperty("from").GetInt32());
        Assert.Equal(GraphFactory.Fp16(1, 16, 64, 64).ToString(), inputs[0].GetProperty("type").GetString());
    }

    [CorpusFact]
    public void OpsInsideNestedBlocksNameTheirOwner()
    {
        // tf-lstm-nd-controlflow: Keras LSTM with loop and branch layers whose bodies are nested networks.
        var report = ReportBuilder.Analyze(ModelReader.Read(Corpus.Path("tf-lstm-nd-controlflow/model.mlmodel")), ChipProfiles.Default, ComputeUnits.All);
        var nested = report.Ops.Where(o => o.Parent is not null).ToList();
        Assert.NotEmpty(nested);
        Assert.All(nested, o =>
        {
            var owner = report.Ops[o.Parent!.Value];
            Assert.True(owner.Index < o.Index, "a nested op follows its owner");
            Assert.Contains(owner.Source, new[] { "loop", "branch" });
        });
    }

    [CorpusFact]
    public void TargetAllWritesEveryChipAndTheRulesThatDiffer()
    {
        using var t = new TempDir();
        var model = Corpus.Path("yolo11n-mlprogram-speconly/model.mlmodel");
        var r = CliRunner.Run(model, "--target", "all", "--format", "json", "-o", t.File("all.json"), "--exit-zero");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(t.File("all.json")));
        Assert.Empty(Schema().Validate(doc.RootElement));
        var targets = doc.RootElement.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(ChipProfiles.All.Select(p => p.Name), targets.Select(x => x.GetProperty("target").GetProperty("name").GetString()));
        Assert.Equal(ChipProfiles.DefaultName, doc.RootElement.GetProperty("target").GetProperty("name").GetString());
        // Each chip's status is what a single-target run says; a differing rule fires on that chip and misses on another.
        var graph = ModelReader.Read(model);
        var rulesPerChip = targets.Select(x => x.GetProperty("rules").EnumerateArray().Select(e => e.GetString()!).ToHashSet()).ToList();
        for (var i = 0; i < targets.Count; i++)
        {
            var single = ReportBuilder.Analyze(graph, ChipProfiles.All[i], ComputeUnits.All);
            Assert.Equal((int)single.Status, targets[i].GetProperty("status").GetProperty("code").GetInt32());
            foreach (var id in targets[i].GetProperty("differingRules").EnumerateArray().Select(e => e.GetString()!))
            {
                Assert.Contains(id, rulesPerChip[i]);
                Assert.Contains(rulesPerChip, set => !set.Contains(id));
            }
            var common = rulesPerChip[i].Where(id => rulesPerChip.All(set => set.Contains(id)));
            Assert.DoesNotContain(targets[i].GetProperty("differingRules").EnumerateArray().Select(e => e.GetString()), id => common.Contains(id));
        }
        var worst = targets.Max(x => x.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal(worst, CliRunner.Run(model, "--target", "all", "--format", "json").ExitCode);

        Assert.Equal(0, CliRunner.Run(model, "--target", "all", "--format", "html", "-o", t.File("all.html"), "--exit-zero").ExitCode);
        var html = EmbeddedData(File.ReadAllText(t.File("all.html")));
        Assert.Equal(targets.Count, html.GetProperty("targets").GetArrayLength());
    }

    [CorpusFact]
    public void FolderHtmlIsOneDashboardPageHoldingEveryModel()
    {
        using var t = new TempDir();
        // A large plain conv net (fully compatible; MNIST is now too little work for the ANE, docs/calibration.md).
        File.Copy(Corpus.Path("pose-cpm/model_cpm.mlmodel"), t.File("Pose.mlmodel"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), t.File("Swish.mlmodel"));
        t.Write("broken.mlmodel", new byte[] { 0x08, 0x04, 0x12, 0xFF, 0xFF, 0x01 });
        var r = CliRunner.Run(t.Path, "--format", "html", "-o", t.File("out.html"));
        Assert.Equal(3, r.ExitCode); // the unreadable model makes the folder's code 3, as in text and JSON
        var html = File.ReadAllText(t.File("out.html"), Encoding.UTF8);
        Assert.DoesNotContain("http://", html);
        var data = EmbeddedData(html);
        Assert.Equal(2, data.GetProperty("models").GetArrayLength());
        Assert.Equal(1, data.GetProperty("unreadable").GetArrayLength());
        Assert.Equal([0, 1], data.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("status").GetProperty("code").GetInt32()).Order());
    }
}
