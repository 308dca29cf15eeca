using System.Text.Json;
using AneCompat.Reporting;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>
/// <c>anecompat FOLDER</c>: every model inside a folder or bundle, one line each (or one JSON / SARIF document for the
/// whole folder), exiting with the worst code.
/// </summary>
public class FolderAnalysisTests
{
    [CorpusFact]
    public void AnalysesEveryModelAndExitsWithTheWorstCode()
    {
        using var t = new TempDir();
        var app = Path.Combine(t.Path, "Demo.app");
        Directory.CreateDirectory(Path.Combine(app, "Models"));
        File.Copy(Corpus.Path("pose-cpm/model_cpm.mlmodel"), Path.Combine(app, "Models", "Pose.mlmodel"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), Path.Combine(app, "Swish.mlmodel"));
        CopyDir(Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc"), Path.Combine(app, "Argmax.mlmodelc"));

        var r = CliRunner.Run(app);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Pose: a large plain conv net (fully); Swish: custom layer (partial); Argmax: int32 argmax (not compatible).
        Assert.Contains(lines, l => l.StartsWith("0 ") && l.Contains("Models/Pose.mlmodel"));
        Assert.Contains(lines, l => l.StartsWith("1 ") && l.Contains("Swish.mlmodel") && l.Contains("MODEL-CUSTOM"));
        Assert.Contains(lines, l => l.StartsWith("2 ") && l.Contains("Argmax.mlmodelc"));
        Assert.Contains("3 model(s)", lines[^1]);
        Assert.Equal(2, r.ExitCode);
    }

    [CorpusFact]
    public void AnUnreadableModelIsListedAndMakesTheExitCode3()
    {
        using var t = new TempDir();
        File.Copy(Corpus.Path("pose-cpm/model_cpm.mlmodel"), t.File("ok.mlmodel"));
        t.Write("broken.mlmodel", new byte[] { 0x08, 0x04, 0x12, 0xFF, 0xFF, 0x01 });
        var logDir = t.File("logs");
        var r = CliRunner.Run(t.Path, logDir);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("3 unreadable", r.Stdout);
        Assert.Contains("broken.mlmodel", r.Stdout);
        Assert.True(File.Exists(Path.Combine(logDir, "ok.mlmodel", "report.json")));
    }

    [Fact]
    public void AFolderWithoutModelsIsAReadError()
    {
        using var t = new TempDir();
        t.Write("notes.txt", "no models");
        var r = CliRunner.Run(t.Path);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("no Core ML models", r.Stderr);
    }

    /// <summary>
    /// Demo.app with Pose (a large plain conv net, 757 layers: fully), Swish (a custom layer: partial), Argmax (int32 argmax: not
    /// compatible) and a protobuf whose length field runs past the end of the file (unreadable).
    /// </summary>
    private static string MixedApp(TempDir t)
    {
        var app = Path.Combine(t.Path, "Demo.app");
        Directory.CreateDirectory(Path.Combine(app, "Models"));
        File.Copy(Corpus.Path("pose-cpm/model_cpm.mlmodel"), Path.Combine(app, "Models", "Pose.mlmodel"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), Path.Combine(app, "Swish.mlmodel"));
        CopyDir(Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc"), Path.Combine(app, "Argmax.mlmodelc"));
        File.WriteAllBytes(Path.Combine(app, "broken.mlmodel"), new byte[] { 0x08, 0x04, 0x12, 0xFF, 0xFF, 0x01 });
        return app;
    }

    private static MiniJsonSchema Schema() =>
        new(JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Corpus.RepoRoot, "docs", "report-schema.json"))).RootElement);

    [CorpusFact]
    public void JsonIsOneDocumentWithEveryModelsReportTheUnreadableOneAndASummary()
    {
        using var t = new TempDir();
        var app = MixedApp(t);
        // A second partial model, so that no two summary counts are equal.
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), Path.Combine(app, "Models", "Swish2.mlmodel"));
        var r = CliRunner.Run(app, "--format", "json");
        Assert.Equal(3, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;

        Assert.Empty(Schema().Validate(root, "folderReport"));
        Assert.Equal(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(app, root.GetProperty("folder").GetString());
        Assert.Equal("A17Pro", root.GetProperty("target").GetProperty("name").GetString());
        Assert.Equal("all", root.GetProperty("computeUnits").GetString());

        var models = root.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(4, models.Count);
        int StatusOf(string relative) => models.Single(m => m.GetProperty("model").GetProperty("path").GetString() == Path.Combine(app, relative))
            .GetProperty("status").GetProperty("code").GetInt32();
        Assert.Equal(0, StatusOf("Models/Pose.mlmodel"));
        Assert.Equal(1, StatusOf("Swish.mlmodel"));
        Assert.Equal(1, StatusOf("Models/Swish2.mlmodel"));
        Assert.Equal(2, StatusOf("Argmax.mlmodelc"));

        // Each entry is the model's own report, exactly as `anecompat MODEL --format json` writes it.
        foreach (var m in models)
        {
            var single = CliRunner.Run(m.GetProperty("model").GetProperty("path").GetString()!, "--format", "json");
            using var own = JsonDocument.Parse(single.Stdout);
            Assert.True(JsonElement.DeepEquals(own.RootElement, m), $"{m.GetProperty("model").GetProperty("path")} differs from its single-model report");
        }

        var unreadable = Assert.Single(root.GetProperty("unreadable").EnumerateArray());
        Assert.Equal(Path.Combine(app, "broken.mlmodel"), unreadable.GetProperty("path").GetString());
        var error = unreadable.GetProperty("error").GetString()!;
        Assert.Contains("broken.mlmodel", error);
        Assert.DoesNotContain('\n', error);

        var summary = root.GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("fullyCompatible").GetInt32());
        Assert.Equal(2, summary.GetProperty("partial").GetInt32());
        Assert.Equal(1, summary.GetProperty("notCompatible").GetInt32());
        Assert.Equal(1, summary.GetProperty("unreadable").GetInt32());
        Assert.Equal(3, summary.GetProperty("worstExitCode").GetInt32());
    }

    [CorpusFact]
    public void TheFolderSchemaRejectsADocumentWithoutItsSummaryOrWithABrokenModelEntry()
    {
        using var t = new TempDir();
        File.Copy(Corpus.Path("pose-cpm/model_cpm.mlmodel"), t.File("Pose.mlmodel"));
        var r = CliRunner.Run(t.Path, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var schema = Schema();
        Assert.Empty(schema.Validate(JsonDocument.Parse(r.Stdout).RootElement, "folderReport"));

        var noSummary = System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!.AsObject();
        noSummary.Remove("summary");
        Assert.Contains(schema.Validate(JsonDocument.Parse(noSummary.ToJsonString()).RootElement, "folderReport"), e => e.Contains("summary"));

        var badModel = System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!.AsObject();
        badModel["models"]![0]!.AsObject().Remove("ops");
        Assert.Contains(schema.Validate(JsonDocument.Parse(badModel.ToJsonString()).RootElement, "folderReport"), e => e.Contains("$.models[0]") && e.Contains("ops"));
    }

    [CorpusFact]
    public void SarifIsOneRunOverEveryModelWithMergedRulesAndAReadErrorResult()
    {
        using var t = new TempDir();
        var app = MixedApp(t);
        var r = CliRunner.Run(app, "--format", "sarif", "--sarif-root", t.Path);
        Assert.Equal(3, r.ExitCode);
        SarifValidator.AssertValid(r.Stdout);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("anecompat", driver.GetProperty("name").GetString());
        var ruleIds = driver.GetProperty("rules").EnumerateArray().Select(x => x.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ruleIds.Distinct().Count(), ruleIds.Count);
        Assert.Contains("MODEL-CUSTOM", ruleIds);
        Assert.Contains(SarifReportWriter.ReadErrorRuleId, ruleIds);

        var artifacts = run.GetProperty("artifacts").EnumerateArray().Select(a => a.GetProperty("location").GetProperty("uri").GetString()!).ToList();
        var appUri = SarifLocations.RelativeUri(Path.GetRelativePath(t.Path, app));
        string Uri(string relative) => $"{appUri}/{relative}";
        foreach (var m in new[] { "Models/Pose.mlmodel", "Swish.mlmodel", "Argmax.mlmodelc/model.mil", "broken.mlmodel" })
            Assert.Contains(Uri(m), artifacts);

        var results = run.GetProperty("results").EnumerateArray().ToList();
        foreach (var res in results)
        {
            var id = res.GetProperty("ruleId").GetString();
            Assert.Equal(id, ruleIds[res.GetProperty("ruleIndex").GetInt32()]);
            var location = res.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.Equal(artifacts[location.GetProperty("index").GetInt32()], location.GetProperty("uri").GetString());
            Assert.False(string.IsNullOrEmpty(res.GetProperty("message").GetProperty("text").GetString()));
        }
        var custom = results.Where(x => x.GetProperty("ruleId").GetString() == "MODEL-CUSTOM").ToList();
        Assert.NotEmpty(custom);
        Assert.All(custom, x => Assert.Equal(Uri("Swish.mlmodel"), x.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
        Assert.All(custom, x => Assert.Equal("error", x.GetProperty("level").GetString()));

        var readError = Assert.Single(results, x => x.GetProperty("ruleId").GetString() == SarifReportWriter.ReadErrorRuleId);
        Assert.Equal("error", readError.GetProperty("level").GetString());
        Assert.Equal(Uri("broken.mlmodel"), readError.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Contains("broken.mlmodel", readError.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal(3, run.GetProperty("properties").GetProperty("status").GetInt32());
    }

    [CorpusFact]
    public void OutputWritesOneFileAtomicallyAndRefusesToWriteOverAModel()
    {
        using var t = new TempDir();
        var app = MixedApp(t);
        var before = Directory.GetFileSystemEntries(app, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        var outDir = Path.Combine(t.Path, "out");
        Directory.CreateDirectory(outDir);

        var json = CliRunner.Run(app, "--format", "json", "--output", Path.Combine(outDir, "folder.json"));
        Assert.Equal(3, json.ExitCode);
        Assert.Equal("", json.Stdout);
        var sarif = CliRunner.Run(app, "--format", "sarif", "--output", Path.Combine(outDir, "folder.sarif"));
        Assert.Equal(3, sarif.ExitCode);
        var text = CliRunner.Run(app, "--output", Path.Combine(outDir, "folder.txt"));
        Assert.Equal(3, text.ExitCode);
        Assert.Equal("", text.Stdout);

        Assert.Equal(new[] { "folder.json", "folder.sarif", "folder.txt" }, Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "folder.json"))))
            Assert.Equal(3, doc.RootElement.GetProperty("models").GetArrayLength());
        SarifValidator.AssertValid(File.ReadAllText(Path.Combine(outDir, "folder.sarif")));
        using (var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(outDir, "folder.sarif"))))
            Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        var lines = File.ReadAllLines(Path.Combine(outDir, "folder.txt"));
        Assert.Equal(5, lines.Length);
        Assert.Contains("4 model(s)", lines[^1]);
        Assert.Equal(before, Directory.GetFileSystemEntries(app, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());

        // The output path is one of the models (or inside one): refused, the model untouched, nothing left behind.
        var swish = Path.Combine(app, "Swish.mlmodel");
        var swishBytes = File.ReadAllBytes(swish);
        var overModel = CliRunner.Run(app, "--format", "json", "--output", swish);
        Assert.Equal(7, overModel.ExitCode);
        Assert.Contains("refusing to write over the input", overModel.Stderr);
        Assert.Equal(swishBytes, File.ReadAllBytes(swish));
        var insideModel = CliRunner.Run(app, "--format", "sarif", "--output", Path.Combine(app, "Argmax.mlmodelc", "x.sarif"));
        Assert.Equal(7, insideModel.ExitCode);
        Assert.Equal(before, Directory.GetFileSystemEntries(app, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
    }

    [CorpusFact]
    public void TheTargetMatrixStillNeedsASingleModel()
    {
        using var t = new TempDir();
        File.Copy(Corpus.Path("pose-cpm/model_cpm.mlmodel"), t.File("Pose.mlmodel"));
        Assert.Equal(5, CliRunner.Run(t.Path, "--target", "all").ExitCode);
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDir(d, Path.Combine(to, Path.GetFileName(d)));
    }
}

/// <summary>The README's main job: the shipped sample, whose verdict is partial, and --exit-zero for reporting without failing.</summary>
public class SampleModelTests
{
    private static string Sample => Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");

    [Fact]
    public void SampleIsPartialBecauseOfItsBroadcastableLayerAndSaysHowToFixIt()
    {
        var r = CliRunner.Run(Sample);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("1 partially compatible", r.Stdout);
        Assert.Contains("NN-BROADCASTABLE-ND", r.Stdout);
        Assert.Contains("Replace with Core ML 2 layers", r.Stdout);
    }

    [Fact]
    public void ExitZeroKeepsTheReportButNotTheStatus()
    {
        var r = CliRunner.Run(Sample, "--exit-zero");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("1 partially compatible", r.Stdout);
        // Read errors are not verdicts: they keep exit code 3.
        using var t = new TempDir();
        Assert.Equal(3, CliRunner.Run(t.File("missing.mlmodel"), "--exit-zero").ExitCode);
    }
}
