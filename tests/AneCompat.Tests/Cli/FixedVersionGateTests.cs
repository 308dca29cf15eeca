using System.Text.Json;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>
/// The CI gate on a model and its own fixed version, made by the real <c>anecompat fix</c> (not a hand-built "fixed"
/// model): <c>diff</c> both ways, <c>--baseline</c> of each version applied to the other, <c>--fail-on</c> — each exit
/// code checked. Two models: the README's sample, whose S1 rewrite moves the residual onto the ANE (partial → fully
/// compatible), and the corpus's ESPNetv2, whose 32 dilated convolutions S7 makes dense (every CONV-DILATION finding
/// gone; no op changes device — on the corpus no default fix moves an op onto the ANE today).
/// </summary>
public class FixedVersionGateTests
{
    /// <summary>
    /// Two checkouts of one repository, before and after the fix: <c>v1/Models/NAME</c> holds the model as it was,
    /// <c>v2/Models/NAME</c> the output of <c>anecompat fix</c> on it, each with the baseline its own version wrote.
    /// </summary>
    private sealed record Checkouts(string OldModel, string NewModel, string OldBaseline, string NewBaseline);

    private static Checkouts FixAndBaseline(TempDir t, string input, params string[] fixOptions)
    {
        var name = Path.GetFileName(input);
        Directory.CreateDirectory(t.File("v1/Models"));
        Directory.CreateDirectory(t.File("v2/Models"));
        var oldModel = t.File($"v1/Models/{name}");
        var newModel = t.File($"v2/Models/{name}");
        File.Copy(input, oldModel);
        var fix = CliRunner.Run(["fix", input, "-o", newModel, .. fixOptions]);
        Assert.True(fix.ExitCode == 0, $"fix failed ({fix.ExitCode}): {fix.Stdout}{fix.Stderr}");
        Assert.Contains("wrote " + newModel, fix.Stdout);
        Assert.Equal(0, CliRunner.Run("baseline", t.File("v1/Models"), "-o", t.File("v1/anecompat-baseline.json")).ExitCode);
        Assert.Equal(0, CliRunner.Run("baseline", t.File("v2/Models"), "-o", t.File("v2/anecompat-baseline.json")).ExitCode);
        return new Checkouts(oldModel, newModel, t.File("v1/anecompat-baseline.json"), t.File("v2/anecompat-baseline.json"));
    }

    /// <summary>Runs MODEL with the other checkout's baseline, placed where that checkout keeps it (model keys are relative to it).</summary>
    private static CliRunner.Result WithBaselineOf(string model, string otherBaseline)
    {
        var here = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(model)!)!, "other-baseline.json");
        File.Copy(otherBaseline, here, overwrite: true);
        return CliRunner.Run(model, "--baseline", here);
    }

    [Fact]
    public void Sample_fixed_by_fix_diffs_as_the_residual_moving_onto_the_ane_and_gates_both_ways()
    {
        using var t = new TempDir();
        var c = FixAndBaseline(t, Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel"));

        var diff = CliRunner.Run("diff", c.OldModel, c.NewModel, "--format", "json");
        Assert.Equal(0, diff.ExitCode);
        using (var doc = JsonDocument.Parse(diff.Stdout))
        {
            var root = doc.RootElement;
            Assert.Equal("partial", root.GetProperty("oldStatus").GetString());
            Assert.Equal("fully-compatible", root.GetProperty("newStatus").GetString());
            Assert.False(root.GetProperty("regression").GetBoolean());
            var residual = Assert.Single(root.GetProperty("movedOntoAne").EnumerateArray(), m => m.GetProperty("op").GetString() == "residual");
            Assert.Equal("cpu", residual.GetProperty("from").GetString());
            Assert.Equal("ane", residual.GetProperty("to").GetString());
            Assert.Equal(0, root.GetProperty("movedOffAne").GetArrayLength());
            Assert.Contains(root.GetProperty("goneFindings").EnumerateArray(), f =>
                f.GetProperty("rule").GetString() == "NN-BROADCASTABLE-ND" && f.GetProperty("op").GetString() == "residual");
            Assert.Equal(0, root.GetProperty("newFindings").GetArrayLength());
        }

        var back = CliRunner.Run("diff", c.NewModel, c.OldModel);
        Assert.Equal(4, back.ExitCode);
        Assert.StartsWith("REGRESSION: fully-compatible → partial", back.Stdout);
        Assert.Contains("residual (", back.Stdout.Split("moved off the ANE")[1]);

        // The old version's baseline knows every finding the fixed one still has; the fixed one's does not know the residual's.
        Assert.Equal(0, WithBaselineOf(c.NewModel, c.OldBaseline).ExitCode);
        var regressed = WithBaselineOf(c.OldModel, c.NewBaseline);
        Assert.Equal(4, regressed.ExitCode);
        Assert.Contains("NN-BROADCASTABLE-ND on residual in Models/tiny-convnet.mlmodel", regressed.Stderr);

        // --fail-on: the old version fails a "partial" gate, the fixed one passes; neither runs nothing on the ANE.
        Assert.Equal(1, CliRunner.Run(c.OldModel, "--fail-on", "partial").ExitCode);
        Assert.Equal(0, CliRunner.Run(c.NewModel, "--fail-on", "partial").ExitCode);
        Assert.Equal(0, CliRunner.Run(c.OldModel, "--fail-on", "none").ExitCode);
        Assert.Equal(0, CliRunner.Run(c.NewModel, "--fail-on", "none").ExitCode);
    }

    [CorpusFact]
    public void Espnet_fixed_by_fix_expand_dilated_loses_every_dilation_finding_and_gates_both_ways()
    {
        using var t = new TempDir();
        var c = FixAndBaseline(t, Corpus.Path("espnetv2-segmentation/espnet_640_480_with_metadata.mlmodel"), "--expand-dilated");

        var diff = CliRunner.Run("diff", c.OldModel, c.NewModel, "--format", "json");
        Assert.Equal(0, diff.ExitCode);
        int dilations;
        using (var doc = JsonDocument.Parse(diff.Stdout))
        {
            var root = doc.RootElement;
            Assert.False(root.GetProperty("regression").GetBoolean());
            var gone = root.GetProperty("goneFindings").EnumerateArray().ToList();
            dilations = gone.Count(f => f.GetProperty("rule").GetString() == "CONV-DILATION");
            Assert.Equal(32, dilations);
            Assert.Equal(0, root.GetProperty("newFindings").GetArrayLength());
            Assert.Equal(0, root.GetProperty("movedOffAne").GetArrayLength());
            Assert.Equal(0, root.GetProperty("addedOps").GetArrayLength()); // rewritten in place: the same ops, by name
        }

        var back = CliRunner.Run("diff", c.NewModel, c.OldModel, "--format", "markdown");
        Assert.Equal(4, back.ExitCode);
        Assert.Contains($"#### New findings ({dilations})", back.Stdout);

        Assert.Equal(0, WithBaselineOf(c.NewModel, c.OldBaseline).ExitCode);
        var regressed = WithBaselineOf(c.OldModel, c.NewBaseline);
        Assert.Equal(4, regressed.ExitCode);
        Assert.Contains($"baseline: {dilations} new finding(s) not in the baseline", regressed.Stderr);
        // Both versions are partial: a "partial" gate fails both (1), a "none" gate passes both.
        Assert.Equal(1, CliRunner.Run(c.OldModel, "--fail-on", "partial").ExitCode);
        Assert.Equal(1, CliRunner.Run(c.NewModel, "--fail-on", "partial").ExitCode);
        Assert.Equal(0, CliRunner.Run(c.NewModel, "--fail-on", "none").ExitCode);
    }
}
