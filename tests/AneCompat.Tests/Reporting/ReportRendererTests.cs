using System.Text;
using System.Text.Json;
using AneCompat.Cli.Rendering;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

public class ReportRendererTests
{
    private static JsonDocument Parse(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return JsonDocument.Parse(ms.ToArray());
    }

    private static MiniJsonSchema Schema() =>
        new(JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Corpus.RepoRoot, "docs", "report-schema.json"))).RootElement);

    [Fact]
    public void JsonValidatesAgainstTheSchemaAndCarriesThePlan()
    {
        var report = SampleReports.ConvCustomConv();
        using var doc = Parse(s => JsonReportWriter.Write(report, s));
        Assert.Empty(Schema().Validate(doc.RootElement));

        var root = doc.RootElement;
        Assert.Equal(JsonReportWriter.SchemaVersion, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(1, root.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal("A17Pro", root.GetProperty("target").GetProperty("name").GetString());
        Assert.Equal(new[] { "ane", "cpu", "ane" }, root.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("device").GetString()));
        var ops = root.GetProperty("ops").EnumerateArray().ToArray();
        Assert.Equal(4, ops.Length);
        Assert.Equal("MODEL-CUSTOM", ops[1].GetProperty("findings")[0].GetProperty("ruleId").GetString());
        Assert.Equal("op-to-cpu", ops[1].GetProperty("findings")[0].GetProperty("effect").GetString());
        Assert.Equal(JsonValueKind.Null, ops[2].GetProperty("device").ValueKind); // the const is folded
        Assert.Equal(2L * 64 * 128 * 128 * 64 * 9, ops[0].GetProperty("cost").GetProperty("flops").GetInt64());
        Assert.Equal("PART-FIRST-COMPILE", root.GetProperty("modelFindings")[0].GetProperty("ruleId").GetString());
    }

    [Fact]
    public void SchemaValidatorRejectsBrokenReports()
    {
        // The validator must be able to fail: drop a required field and change a type.
        var json = JsonReportWriter.ToJson(SampleReports.ConvCustomConv());
        var broken = json.Replace("\"computeUnits\": \"all\",", "", StringComparison.Ordinal).Replace("\"opCount\": 4", "\"opCount\": \"4\"", StringComparison.Ordinal);
        Assert.NotEqual(json, broken);
        var errors = Schema().Validate(JsonDocument.Parse(broken).RootElement);
        Assert.Contains(errors, e => e.Contains("computeUnits", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("opCount", StringComparison.Ordinal));
    }

    [Fact]
    public void SarifHasTheRequired210Fields()
    {
        var report = SampleReports.ConvCustomConv();
        var sarifRoot = Path.GetDirectoryName(Path.GetFullPath(report.Model.Path))!;
        using var doc = Parse(s => SarifReportWriter.Write(report, s, sarifRoot));
        SarifValidator.AssertValid(doc.RootElement.GetRawText());
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-2.1.0", root.GetProperty("$schema").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.Equal("anecompat", driver.GetProperty("name").GetString());
        var rules = driver.GetProperty("rules").EnumerateArray().ToArray();
        Assert.Equal(new[] { "MODEL-CUSTOM", "CONV-KW", "PART-FIRST-COMPILE" }, rules.Select(r => r.GetProperty("id").GetString()));
        foreach (var r in rules)
        {
            Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("name").GetString()));
            foreach (var field in new[] { "shortDescription", "fullDescription", "help" })
                Assert.False(string.IsNullOrWhiteSpace(r.GetProperty(field).GetProperty("text").GetString()));
            Assert.StartsWith(SarifReportWriter.RulesDocUri, r.GetProperty("helpUri").GetString());
        }
        var results = run.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(3, results.Length); // one per finding
        var custom = results.Single(r => r.GetProperty("ruleId").GetString() == "MODEL-CUSTOM");
        Assert.Equal("error", custom.GetProperty("level").GetString());
        Assert.False(string.IsNullOrWhiteSpace(custom.GetProperty("message").GetProperty("text").GetString()));
        var location = custom.GetProperty("locations")[0];
        var expected = SarifLocations.RelativeUri(Path.GetRelativePath(sarifRoot, Path.GetFullPath(report.Model.Path)));
        Assert.Equal(expected, location.GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(1, location.GetProperty("physicalLocation").GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.Equal("s1_op", location.GetProperty("logicalLocations")[0].GetProperty("name").GetString());
        Assert.Equal("main/s1_op", location.GetProperty("logicalLocations")[0].GetProperty("fullyQualifiedName").GetString());
        Assert.Equal("warning", results.Single(r => r.GetProperty("ruleId").GetString() == "CONV-KW").GetProperty("level").GetString());
    }

    [Fact]
    public void SarifUriIsRelativeToTheRootInsideItAndClimbsOutsideItNeverAFileUri()
    {
        var locations = new SarifLocations("/repo");
        Assert.Equal("models/a%20b%23c%25.mlmodel", locations.UriForFile("/repo/models/a b#c%.mlmodel"));
        Assert.Empty(locations.OutsideRoot);
        Assert.Equal("../elsewhere/m.mlmodel", locations.UriForFile("/elsewhere/m.mlmodel"));
        Assert.Equal(new[] { "/elsewhere/m.mlmodel" }, locations.OutsideRoot);
    }

    [Fact]
    public void TextHasVerdictSegmentsAndFindingsWithoutAnsiWhenRedirected()
    {
        var report = SampleReports.ConvCustomConv();
        var w = new StringWriter();
        TextReportRenderer.Write(report, w);
        var text = w.ToString();
        var lines = text.Split('\n');
        Assert.StartsWith("1 partially compatible", lines[0]);
        Assert.Contains("2 of 3 compute ops predicted on the ANE", lines[0]);
        Assert.Contains("Segments", text);
        Assert.Contains("#0–#0", text);
        Assert.Contains("c1 (2 MiB)", text); // 64×128×128 fp16 copied into the CPU segment
        Assert.Contains("MODEL-CUSTOM", text);
        Assert.Contains("Re-express the layer with built-in ops.", text);
        Assert.DoesNotContain("\u001b[", text);
    }

    [Fact]
    public void HtmlIsOneOfflineFileWithTheDataEmbedded()
    {
        var report = SampleReports.ConvCustomConv();
        using var ms = new MemoryStream();
        HtmlReportWriter.Write(report, ms);
        var html = Encoding.UTF8.GetString(ms.ToArray());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain("<link", html);
        var start = html.IndexOf("id=\"report-data\">", StringComparison.Ordinal) + "id=\"report-data\">".Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        using var data = JsonDocument.Parse(html[start..end]);
        Assert.Equal(3, data.RootElement.GetProperty("segments").GetArrayLength());
    }

    [Fact]
    public void HtmlDataCannotCloseItsScriptElement()
    {
        var f = new GraphFactory();
        var op = f.Add("custom", "</script><b>x", GraphFactory.Fp16(4));
        f.Finding(op, "MODEL-CUSTOM", global::AneCompat.Rules.Effect.OpToCpu);
        var (_, analysis) = f.Build();
        using var ms = new MemoryStream();
        HtmlReportWriter.Write(ReportBuilder.Build(analysis, ComputeUnits.All), ms);
        var html = Encoding.UTF8.GetString(ms.ToArray());
        Assert.Equal(3, html.Split("</script>").Length - 1); // the data element's, the layout library's and the code element's own
    }

    [Fact]
    public void LogDirGetsFourFilesWrittenAtomically()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anecompat-logdir-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = SampleReports.ConvCustomConv();
            LogDirWriter.Write(report, dir);
            LogDirWriter.Write(report, dir); // rewriting replaces the files
            Assert.Equal(LogDirWriter.FileNames.OrderBy(n => n), Directory.GetFiles(dir).Select(Path.GetFileName).OrderBy(n => n));
            var segments = File.ReadAllLines(Path.Combine(dir, "segments.txt"));
            Assert.Equal("status 1 partial; target A17Pro; compute units all", segments[0]);
            Assert.Equal(3, segments.Count(l => l.StartsWith("segment ", StringComparison.Ordinal)));
            Assert.Contains("  in c1 from segment 0 (2097152 bytes)", segments);
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "report.json")));
            Assert.Empty(Schema().Validate(json.RootElement));
            SarifValidator.AssertValid(File.ReadAllText(Path.Combine(dir, "report.sarif")));
        }
        finally { Directory.Delete(dir, true); }
    }
}
