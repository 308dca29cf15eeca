using System.Text.Json;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>
/// <c>anecompat diff OLD NEW --format html</c> without a browser: one offline page carrying the same diff document as
/// <c>--format json</c> plus both versions' reports and the op matching, the exit codes of the other formats, written
/// atomically and never over an input (the page itself is checked in chromium by HtmlDiffBrowserTests).
/// </summary>
public class DiffHtmlTests
{
    private static JsonDocument EmbeddedData(string html)
    {
        const string marker = "id=\"report-data\">";
        var start = html.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        return JsonDocument.Parse(html[start..end]);
    }

    [Fact]
    public void Html_diff_embeds_the_json_diff_both_reports_and_the_matched_ops_with_the_same_exit_codes()
    {
        using var t = new TempDir();
        var sample = Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");
        var fixedModel = t.File("fixed.mlmodel");
        Assert.Equal(0, CliRunner.Run("fix", sample, "-o", fixedModel).ExitCode);

        var json = CliRunner.Run("diff", sample, fixedModel, "--format", "json");
        var html = CliRunner.Run("diff", sample, fixedModel, "--format", "html", "-o", t.File("diff.html"));
        Assert.Equal(0, json.ExitCode);
        Assert.Equal(0, html.ExitCode);
        Assert.Equal(4, CliRunner.Run("diff", fixedModel, sample, "--format", "html", "-o", t.File("back.html")).ExitCode);
        Assert.Equal(new[] { "back.html", "diff.html", "fixed.mlmodel" }, t.Entries()); // no temporaries left behind

        var page = File.ReadAllText(t.File("diff.html"));
        Assert.StartsWith("<!DOCTYPE html>", page);
        Assert.Contains("default-src 'none'", page); // offline: the page may load nothing
        Assert.DoesNotContain("src=\"http", page);
        using var data = EmbeddedData(page);
        using var expected = JsonDocument.Parse(json.Stdout);
        var root = data.RootElement;
        Assert.Equal(JsonSerializer.Serialize(expected.RootElement), JsonSerializer.Serialize(root.GetProperty("diff")));
        var oldOps = root.GetProperty("old").GetProperty("ops");
        var newOps = root.GetProperty("new").GetProperty("ops");
        Assert.Equal(2, root.GetProperty("old").GetProperty("schemaVersion").GetInt32());
        // Every op of the sample is matched to the op of the same name in the fixed model; each move names both indices.
        var pairs = root.GetProperty("matchedOps").EnumerateArray().Select(p => (Old: p[0].GetInt32(), New: p[1].GetInt32())).ToList();
        Assert.Equal(oldOps.GetArrayLength(), pairs.Count);
        Assert.All(pairs, p => Assert.Equal(oldOps[p.Old].GetProperty("name").GetString(), newOps[p.New].GetProperty("name").GetString()));
        foreach (var m in root.GetProperty("diff").GetProperty("movedOntoAne").EnumerateArray())
        {
            Assert.Equal("ane", newOps[m.GetProperty("newIndex").GetInt32()].GetProperty("device").GetString());
            Assert.Equal(m.GetProperty("from").GetString(), oldOps[m.GetProperty("oldIndex").GetInt32()].GetProperty("device").GetString());
            Assert.Contains((m.GetProperty("oldIndex").GetInt32(), m.GetProperty("newIndex").GetInt32()), pairs);
        }
        var gone = Assert.Single(root.GetProperty("diff").GetProperty("goneFindings").EnumerateArray());
        Assert.Equal("residual", oldOps[gone.GetProperty("opIndex").GetInt32()].GetProperty("name").GetString());
    }

    [Fact]
    public void Html_diff_is_never_written_over_an_input_and_bad_input_is_one_line_with_exit_3()
    {
        using var t = new TempDir();
        var sample = t.Write("v1.mlmodel", File.ReadAllBytes(Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel")));
        var before = File.ReadAllBytes(sample);
        var over = CliRunner.Run("diff", sample, sample, "--format", "html", "-o", sample);
        Assert.Equal(CliRunner.Run("diff", sample, sample, "--format", "json", "-o", sample).ExitCode, over.ExitCode); // as every -o output
        Assert.NotEqual(0, over.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(sample));
        Assert.Contains("refusing to write over the input", Assert.Single(over.Stderr.Trim().Split('\n')));
        Assert.Equal(new[] { "v1.mlmodel" }, t.Entries());

        t.Write("broken.mlmodel", new byte[] { 0x08, 0x04, 0x12, 0xFF, 0xFF, 0x01 });
        var broken = CliRunner.Run("diff", sample, t.File("broken.mlmodel"), "--format", "html", "-o", t.File("d.html"));
        Assert.Equal(3, broken.ExitCode);
        Assert.Contains("broken.mlmodel", broken.Stderr);
        Assert.False(File.Exists(t.File("d.html")));
    }
}
