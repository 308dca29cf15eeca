using System.Text.Json;
using AneCompat.Reporting;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// SARIF that GitHub code scanning places: schema-valid, relative and escaped URIs to the file holding the ops (not
/// a package folder), a startLine (the op's real line in a model.mil), rules with help and helpUri, and
/// partialFingerprints that change with the model path but not with the op's position.
/// </summary>
public class SarifCodeScanningTests
{
    private static (int Code, JsonDocument Doc, string Text, string Stderr) Sarif(params string[] args)
    {
        var r = CliRunner.Run(args.Concat(new[] { "--format", "sarif" }).ToArray());
        SarifValidator.AssertValid(r.Stdout);
        return (r.ExitCode, JsonDocument.Parse(r.Stdout), r.Stdout, r.Stderr);
    }

    private static IEnumerable<JsonElement> Results(JsonDocument doc) => doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray();

    private static string Uri(JsonElement result) =>
        result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()!;

    private static int Line(JsonElement result) =>
        result.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32();

    [CorpusTheory]
    [InlineData("custom-layer-swish/NeuralMcNeuralNet.mlmodel", "custom-layer-swish/NeuralMcNeuralNet.mlmodel")]
    [InlineData("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage", "cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage/Data/com.apple.CoreML/model.mlmodel")]
    [InlineData("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc", "fluidaudio-argmax-mlmodelc/Argmax.mlmodelc/model.mil")]
    [InlineData("mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc", "mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc/coremldata.bin")]
    public void EveryContainerPointsAtAFileRelativeToTheSarifRoot(string key, string expectedUri)
    {
        var path = Corpus.Path(key);
        var (_, doc, _, stderr) = Sarif(path, "--sarif-root", Corpus.Dir);
        using (doc)
        {
            Assert.DoesNotContain("outside the SARIF root", stderr);
            var results = Results(doc).ToList();
            Assert.NotEmpty(results);
            foreach (var r in results)
            {
                var uri = Uri(r);
                Assert.Equal(expectedUri, uri);
                // Never the package or compiled-model folder: a file that exists under the root.
                Assert.True(File.Exists(Path.Combine(Corpus.Dir, System.Uri.UnescapeDataString(uri))), uri);
            }
        }
    }

    [CorpusFact]
    public void OpsOfAModelMilPointAtTheirOwnLine()
    {
        var model = Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc");
        var lines = File.ReadAllLines(Path.Combine(model, "model.mil"));
        var (code, doc, _, _) = Sarif(model, "--sarif-root", Corpus.Dir);
        using (doc)
        {
            Assert.Equal(2, code);
            var opResults = Results(doc).Where(r => r.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("kind").GetString() == "member").ToList();
            Assert.NotEmpty(opResults);
            foreach (var r in opResults)
            {
                var line = Line(r);
                var op = r.GetProperty("locations")[0].GetProperty("logicalLocations")[0].GetProperty("name").GetString()!;
                Assert.True(line > 1, $"{op} at line {line}");
                // The line holds the op's statement: its name (or its kind, for ops the report names kind#index).
                Assert.Contains(op.Split('#')[0], lines[line - 1]);
            }
        }
    }

    [CorpusFact]
    public void AnOpOfACompiledPipelineMemberPointsAtTheMembersOwnProgram()
    {
        // A compiled pipeline whose member model0 is the Argmax program: its ops live in model0/model.mil.
        using var t = new TempDir();
        var pipeline = Path.Combine(t.Path, "P.mlmodelc");
        Directory.CreateDirectory(Path.Combine(pipeline, "model0"));
        File.Copy(Corpus.Path("mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc/coremldata.bin"), Path.Combine(pipeline, "coremldata.bin"));
        foreach (var f in new[] { "model.mil", "coremldata.bin" })
            File.Copy(Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc/" + f), Path.Combine(pipeline, "model0", f));
        var mil = File.ReadAllLines(Path.Combine(pipeline, "model0", "model.mil"));
        var (_, doc, _, _) = Sarif(pipeline, "--sarif-root", t.Path);
        using (doc)
        {
            var opResults = Results(doc).Where(r => r.GetProperty("message").GetProperty("text").GetString()!.Contains("in models[0]/main")).ToList();
            Assert.NotEmpty(opResults);
            Assert.All(opResults, r =>
            {
                Assert.Equal("P.mlmodelc/model0/model.mil", Uri(r));
                Assert.Contains("reduce_argmax", mil[Line(r) - 1]);
            });
        }
    }

    [CorpusFact]
    public void NamesWithSpacesPercentAndHashAreEscapedPerSegmentAndAModelOutsideTheRootIsWarnedAbout()
    {
        using var t = new TempDir();
        var dir = Path.Combine(t.Path, "my models", "v#2 100%");
        Directory.CreateDirectory(dir);
        var model = Path.Combine(dir, "swish ä.mlmodel");
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), model);
        var (code, doc, _, stderr) = Sarif(model, "--sarif-root", t.Path);
        using (doc)
        {
            Assert.Equal(1, code);
            Assert.All(Results(doc), r => Assert.Equal("my%20models/v%232%20100%25/swish%20%C3%A4.mlmodel", Uri(r)));
            Assert.Equal("", stderr);
        }

        var elsewhere = Sarif(model, "--sarif-root", Corpus.Dir);
        using (elsewhere.Doc)
        {
            Assert.All(Results(elsewhere.Doc), r => Assert.StartsWith("../", Uri(r)));
            Assert.DoesNotContain(Results(elsewhere.Doc), r => Uri(r).Contains(':'));
            Assert.Contains("outside the SARIF root", elsewhere.Stderr);
        }
        Assert.Equal(5, CliRunner.Run(model, "--format", "sarif", "--sarif-root", Path.Combine(t.Path, "missing")).ExitCode);
    }

    [CorpusFact]
    public void RulesCarryHelpAndAHelpUriIntoTheRulesDocument()
    {
        var (_, doc, _, _) = Sarif(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), "--sarif-root", Corpus.Dir);
        using (doc)
        {
            var rules = doc.RootElement.GetProperty("runs")[0].GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();
            var custom = rules.Single(r => r.GetProperty("id").GetString() == "MODEL-CUSTOM");
            Assert.Contains("Fix:", custom.GetProperty("help").GetProperty("text").GetString());
            // MODEL-CUSTOM is in §1.1 of the catalog: docs/rules.md's "## §1.1" heading has the anchor "11".
            Assert.EndsWith("docs/rules.md#11", custom.GetProperty("helpUri").GetString());
            var markdown = AneCompat.Rules.Catalog.CatalogDocs.Markdown(AneCompat.Rules.Catalog.RuleCatalog.Default);
            foreach (var r in rules)
            {
                var anchor = r.GetProperty("helpUri").GetString()!.Split('#')[1];
                Assert.Contains(markdown.Split('\n'), l => l.StartsWith("## ", StringComparison.Ordinal) && SarifReportWriter.HelpUri(l[3..].TrimStart('§').Trim()).EndsWith("#" + anchor, StringComparison.Ordinal)
                    || l.Trim() == "## ANECompat-internal rules" && anchor == "anecompat-internal-rules");
            }
        }
    }

    [CorpusFact]
    public void FingerprintsIncludeTheModelPathButNotTheOpIndex()
    {
        using var t = new TempDir();
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), t.File("a.mlmodel"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), t.File("b.mlmodel"));
        static HashSet<string> Prints(JsonDocument d) => Results(d).Select(r => r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString()!).ToHashSet();
        var a = Sarif(t.File("a.mlmodel"), "--sarif-root", t.Path);
        var a2 = Sarif(t.File("a.mlmodel"), "--sarif-root", t.Path);
        var b = Sarif(t.File("b.mlmodel"), "--sarif-root", t.Path);
        Assert.Equal(Prints(a.Doc), Prints(a2.Doc));
        Assert.Empty(Prints(a.Doc).Intersect(Prints(b.Doc)));

        // Same op, same rule, different position: the fingerprint stays.
        var r1 = SampleReports.ConvCustomConv();
        var shifted = SampleReports.ConvCustomConv(leadingConstants: 7);
        Assert.Equal(r1.Ops.Single(o => o.Name == "s1_op").Index + 7, shifted.Ops.Single(o => o.Name == "s1_op").Index);
        Assert.Equal(FingerprintsOf(r1), FingerprintsOf(shifted));
    }

    private static List<string> FingerprintsOf(Report report)
    {
        using var ms = new MemoryStream();
        SarifReportWriter.Write(report, ms, "/");
        using var doc = JsonDocument.Parse(ms.ToArray());
        return Results(doc).Select(r => r.GetProperty("partialFingerprints").GetProperty(SarifReportWriter.FingerprintKey).GetString()!).ToList();
    }

    [Fact]
    public void ALogOverGitHubsResultLimitKeepsTheErrorsFirst()
    {
        // 100 ops with 200 slow findings each (warnings) and 60 with an op→CPU finding each (errors): 26,000 results.
        var f = new GraphFactory();
        var prev = "image";
        for (var i = 0; i < 100; i++)
        {
            var op = f.Conv(prev, $"t{i}", 16, 16, 8, 8);
            for (var k = 0; k < 200; k++) f.Finding(op, "CONV-KW", AneCompat.Rules.Effect.Slow);
            if (i < 60) for (var k = 0; k < 100; k++) f.Finding(op, "MODEL-CUSTOM", AneCompat.Rules.Effect.OpToCpu);
            prev = $"t{i}";
        }
        var (_, analysis) = f.Build();
        var report = ReportBuilder.Build(analysis, AneCompat.Planning.ComputeUnits.All);
        using var ms = new MemoryStream();
        SarifReportWriter.Write(report, ms, "/");
        using var doc = JsonDocument.Parse(ms.ToArray());
        var run = doc.RootElement.GetProperty("runs")[0];
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(SarifReportWriter.MaxResultsPerRun, results.Count);
        Assert.Equal(26_000 - SarifReportWriter.MaxResultsPerRun, run.GetProperty("properties").GetProperty("resultsOmitted").GetInt32());
        Assert.Equal(6_000, results.Count(r => r.GetProperty("level").GetString() == "error"));
    }

    [CorpusFact]
    public void TheValidatorCatchesWhatGitHubRejects()
    {
        var (_, doc, text, _) = Sarif(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), "--sarif-root", Corpus.Dir);
        doc.Dispose();
        var node = System.Text.Json.Nodes.JsonNode.Parse(text)!;
        var result = node["runs"]![0]!["results"]![0]!;
        result["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"] = "file:///elsewhere/m.mlmodel";
        result["locations"]![0]!["physicalLocation"]!.AsObject().Remove("region");
        node["runs"]![0]!["tool"]!["driver"]!["rules"]![0]!.AsObject().Remove("helpUri");
        node["runs"]![0]!["tool"]!["driver"]!["rules"]![0]!["defaultConfiguration"]!["level"] = "fatal";
        var problems = SarifValidator.Problems(node.ToJsonString());
        Assert.Contains(problems, p => p.Contains("not relative"));
        Assert.Contains(problems, p => p.Contains("startLine"));
        Assert.Contains(problems, p => p.Contains("helpUri"));
        Assert.Contains(problems, p => p.StartsWith("schema:", StringComparison.Ordinal));
    }
}
