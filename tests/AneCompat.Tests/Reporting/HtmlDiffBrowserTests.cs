using System.Text.Json;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// <c>anecompat diff OLD NEW --format html</c> in Debian's headless chromium (tests/browser/check-diff.mjs), on models
/// and their own fixed versions made by the real <c>anecompat fix</c>: no console errors or network; the verdict and
/// both statuses and shares; every op that moved on or off the ANE marked in both panes, drawn in the device colour of
/// each version's JSON report; a click on a moved op in one pane selecting it in the other. The screenshot of the
/// fixed sample's diff goes to artifacts/screenshots/ with the report screenshots (CI keeps that folder).
/// </summary>
public class HtmlDiffBrowserTests(Xunit.Abstractions.ITestOutputHelper log)
{
    /// <summary>Writes both versions' JSON reports, the diff's JSON and its HTML page through the CLI; returns the page's exit code.</summary>
    private static int WriteDiff(TempDir t, string name, string oldModel, string newModel)
    {
        Assert.Equal(0, CliRunner.Run(oldModel, "--format", "json", "-o", t.File(name + ".old.json"), "--exit-zero").ExitCode);
        Assert.Equal(0, CliRunner.Run(newModel, "--format", "json", "-o", t.File(name + ".new.json"), "--exit-zero").ExitCode);
        var json = CliRunner.Run("diff", oldModel, newModel, "--format", "json", "-o", t.File(name + ".diff.json"));
        var html = CliRunner.Run("diff", oldModel, newModel, "--format", "html", "-o", t.File(name + ".html"));
        Assert.Equal("", html.Stdout); // -o: nothing on standard output
        Assert.Equal(json.ExitCode, html.ExitCode);
        Assert.Equal(new[] { name + ".diff.json", name + ".html", name + ".new.json", name + ".old.json" },
            Directory.GetFiles(t.Path, name + ".*").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        return html.ExitCode;
    }

    private string Check(TempDir t, string name, string? screenshot = null)
    {
        var args = new List<string> { t.File(name + ".html"), "--diff", t.File(name + ".diff.json"), "--old", t.File(name + ".old.json"), "--new", t.File(name + ".new.json") };
        if (screenshot is not null)
        {
            Directory.CreateDirectory(HtmlGraphBrowserTests.ScreenshotDir);
            File.Delete(screenshot);
            args.AddRange(["--screenshot", screenshot]);
        }
        var output = BrowserScript.Run("check-diff.mjs", args);
        log.WriteLine(output);
        return output;
    }

    private static int Moved(TempDir t, string name, string list)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(t.File(name + ".diff.json")));
        return doc.RootElement.GetProperty(list).GetArrayLength();
    }

    [BrowserFact]
    public void Sample_and_its_fixed_version_show_the_ops_moving_onto_the_ane_in_both_panes_linked()
    {
        using var t = new TempDir();
        var sample = Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");
        var fixedModel = t.File("fixed.mlmodel");
        Assert.Equal(0, CliRunner.Run("fix", sample, "-o", fixedModel).ExitCode);

        Assert.Equal(0, WriteDiff(t, "forward", sample, fixedModel));
        var onto = Moved(t, "forward", "movedOntoAne");
        Assert.True(onto >= 1, "the fix moves the residual onto the ANE");
        var png = Path.Combine(HtmlGraphBrowserTests.ScreenshotDir, "diff-tiny-convnet-fixed.png");
        var output = Check(t, "forward", png);
        Assert.Contains("verdict NO REGRESSION", output);
        Assert.Contains($"{onto} moved ops marked in both panes", output);
        Assert.Contains("clicking a moved op selects it in the other pane", output);
        Assert.True(new FileInfo(png).Length > 20_000, "the screenshot is missing or empty");

        // The other way round: the same ops, now moving off the ANE, and exit code 4.
        Assert.Equal(4, WriteDiff(t, "back", fixedModel, sample));
        Assert.Equal(onto, Moved(t, "back", "movedOffAne"));
        var back = Check(t, "back");
        Assert.Contains("verdict REGRESSION", back);
        Assert.Contains($"lists: {onto} off, 0 onto, 1 new, 0 gone", back);
    }

    [CorpusBrowserFact]
    public void Corpus_model_and_its_fixed_version_show_the_gone_findings_and_added_ops()
    {
        using var t = new TempDir();
        var input = Corpus.Path("blazeface-torch-ct4/BlazeFaceScaled.mlmodel");
        var fixedModel = t.File("BlazeFaceScaled.mlmodel");
        Assert.Equal(0, CliRunner.Run("fix", input, "-o", fixedModel).ExitCode);
        Assert.Equal(0, WriteDiff(t, "blazeface", input, fixedModel));
        var gone = Moved(t, "blazeface", "goneFindings");
        Assert.True(gone >= 2, "S3 rewrites two subtractBroadcastable layers");
        var output = Check(t, "blazeface");
        Assert.Contains("verdict NO REGRESSION", output);
        Assert.Contains($"0 new, {gone} gone", output);
    }
}

/// <summary>A browser test on the external corpus: skipped like <see cref="CorpusFactAttribute"/> without the corpus, and like <see cref="BrowserFactAttribute"/> without the browser tools.</summary>
public sealed class CorpusBrowserFactAttribute : FactAttribute
{
    public CorpusBrowserFactAttribute()
    {
        var missing = HtmlBrowserTests.MissingTool();
        Skip = Corpus.MissingReason ?? (missing is not null && Environment.GetEnvironmentVariable("CI") != "true" ? missing : null);
    }
}
