using System.Text.Json;
using AneCompat.Building;
using AneCompat.Comparison;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>
/// The CI gate: <c>diff OLD NEW</c>, <c>baseline</c>, <c>--baseline</c>, <c>--fail-on</c> and <c>--format markdown</c>,
/// each exit code checked — on versions of the README's tiny conv net built here (its addBroadcastable residual, the
/// fixed version with Core ML 2's add, a worse one with a second broadcastable layer, one with a layer inserted in
/// front) and on corpus pairs.
/// </summary>
public class GateTests
{
    /// <summary>The tiny conv net; <paramref name="fixedAdd"/> joins the residual with add (stays on the ANE).</summary>
    private static string Net(TempDir t, string name, bool fixedAdd = false, bool extraBroadcast = false, bool extraConvFirst = false)
    {
        var b = new NeuralNetworkModelBuilder().SpecificationVersion(4).MultiArrayInput("image", [3, 256, 256]);
        var first = "image";
        if (extraConvFirst)
        {
            b.Convolution("stem", "image", "stem_out", outputChannels: 3, kernelChannels: 3, padding: ConvPadding.Same);
            first = "stem_out";
        }
        b.Convolution("conv1", first, "conv1_out", outputChannels: 64, kernelChannels: 3, padding: ConvPadding.Same)
            .ReLU("relu1", "conv1_out", "relu1_out")
            .Pooling("pool1", "relu1_out", "pool1_out")
            .Convolution("conv2", "pool1_out", "conv2_out", outputChannels: 128, kernelChannels: 64, padding: ConvPadding.Same)
            .ReLU("relu2", "conv2_out", "relu2_out")
            .Convolution("shortcut", "pool1_out", "shortcut_out", outputChannels: 128, kernelChannels: 64, kernelHeight: 1, kernelWidth: 1);
        if (fixedAdd) b.Add("residual", ["relu2_out", "shortcut_out"], "residual_out");
        else b.AddBroadcastable("residual", ["relu2_out", "shortcut_out"], "residual_out");
        var last = "residual_out";
        if (extraBroadcast)
        {
            b.MultiplyBroadcastable("gate", ["residual_out", "relu2_out"], "gate_out");
            last = "gate_out";
        }
        b.GlobalPooling("gap", last, "gap_out")
            .Flatten("flatten", "gap_out", "flatten_out")
            .InnerProduct("fc", "flatten_out", "fc_out", inputChannels: 128, outputChannels: 10)
            .Softmax("softmax", "fc_out", "probabilities")
            .MultiArrayOutput("probabilities", [10]);
        var path = t.File(name);
        b.Write(path);
        return path;
    }

    [Fact]
    public void DiffOfAModelAndItsFixedVersionShowsTheOpMovingOntoTheAneAndExits0()
    {
        using var t = new TempDir();
        var before = Net(t, "v1.mlmodel");
        var after = Net(t, "v2.mlmodel", fixedAdd: true);
        var r = CliRunner.Run("diff", before, after, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal("partial", root.GetProperty("oldStatus").GetString());
        Assert.Equal("fully-compatible", root.GetProperty("newStatus").GetString());
        Assert.False(root.GetProperty("regression").GetBoolean());
        // The residual itself, and the tail the planner had left on the CPU behind it.
        var moved = root.GetProperty("movedOntoAne").EnumerateArray().ToList();
        var residual = Assert.Single(moved, m => m.GetProperty("op").GetString() == "residual");
        Assert.Equal("cpu", residual.GetProperty("from").GetString());
        Assert.All(moved, m => Assert.Equal("ane", m.GetProperty("to").GetString()));
        Assert.Equal(0, root.GetProperty("movedOffAne").GetArrayLength());
        Assert.Contains(root.GetProperty("goneFindings").EnumerateArray(), f => f.GetProperty("op").GetString() == "residual");
        Assert.Equal(0, root.GetProperty("newFindings").GetArrayLength());

        // The other way round is a regression: exit 4, in every format.
        var back = CliRunner.Run("diff", after, before);
        Assert.Equal(4, back.ExitCode);
        Assert.StartsWith("REGRESSION: fully-compatible → partial", back.Stdout);
        Assert.Contains($"moved off the ANE ({moved.Count}):", back.Stdout);
        Assert.Contains("residual (", back.Stdout);
        var md = CliRunner.Run("diff", after, before, "--format", "markdown");
        Assert.Equal(4, md.ExitCode);
        Assert.Contains("regression", md.Stdout);
        Assert.Contains($"#### Moved off the ANE ({moved.Count})", md.Stdout);
        Assert.Contains("| `residual` |", md.Stdout);
    }

    [CorpusFact]
    public void DiffOfAModelAndItsCompiledVersionIsNoChange()
    {
        var r = CliRunner.Run("diff", Corpus.Path("mars-habitat-pricer/MarsHabitatPricer.mlmodel"), Corpus.Path("mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc"));
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("no change:", r.Stdout);
    }

    [CorpusFact]
    public void DiffOfUnrelatedCorpusModelsListsAddedAndRemovedOpsAndNewFindings()
    {
        var r = CliRunner.Run("diff", Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), "--format", "json");
        Assert.Equal(4, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        Assert.Contains(doc.RootElement.GetProperty("newFindings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "MODEL-CUSTOM" && f.GetProperty("op").GetString() == "swish_1");
        Assert.True(doc.RootElement.GetProperty("addedOps").GetArrayLength() > 0);
        Assert.True(doc.RootElement.GetProperty("removedOps").GetArrayLength() > 0);
        Assert.Equal(3, CliRunner.Run("diff", Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), "/nonexistent/x.mlmodel").ExitCode);
        Assert.Equal(5, CliRunner.Run("diff", Corpus.Path("mnist-ph1ps/MNIST.mlmodel")).ExitCode);
    }

    [Fact]
    public void BaselineKnownFindingsPassNewOnesFailWith4AndEditsElsewhereDoNotChurn()
    {
        using var t = new TempDir();
        var models = Path.Combine(t.Path, "Models");
        Directory.CreateDirectory(models);
        var net = Net(t, "Models/Net.mlmodel");
        var baseline = t.File("anecompat-baseline.json");
        // Model paths in a baseline are relative to its own folder (the repository root), whatever the working folder.
        var written = CliRunner.Run("baseline", models, "-o", baseline);
        Assert.Equal(0, written.ExitCode);
        using (var doc = JsonDocument.Parse(File.ReadAllText(baseline)))
        {
            Assert.Equal(Baseline.FormatVersion, doc.RootElement.GetProperty("anecompatBaseline").GetInt32());
            Assert.Contains(doc.RootElement.GetProperty("findings").EnumerateArray(), f =>
                f.GetProperty("model").GetString() == "Models/Net.mlmodel" && f.GetProperty("op").GetString() == "residual");
        }

        // Without a baseline the partial model fails (1); with it, its known findings do not.
        Assert.Equal(1, CliRunner.Run(net).ExitCode);
        var known = CliRunner.Run(net, "--baseline", baseline);
        Assert.Equal(0, known.ExitCode);
        Assert.Contains("no new ones", known.Stderr);
        Assert.Equal(0, CliRunner.Run(models, "--baseline", baseline).ExitCode);

        // A layer inserted in front moves every op index: still nothing new.
        Net(t, "Models/Net.mlmodel", extraConvFirst: true);
        Assert.Equal(0, CliRunner.Run(net, "--baseline", baseline).ExitCode);

        // A second broadcastable layer is new: exit 4, named on standard error and marked in the step summary.
        Net(t, "Models/Net.mlmodel", extraBroadcast: true);
        var fresh = CliRunner.Run(net, "--baseline", baseline, "--format", "markdown");
        Assert.Equal(4, fresh.ExitCode);
        Assert.Contains("on gate in Models/Net.mlmodel", fresh.Stderr);
        Assert.Contains("new finding(s) not in the baseline", fresh.Stdout);
        Assert.Contains(fresh.Stdout.Split('\n'), l => l.Contains("| gate |") && l.Contains("**new**"));
        Assert.DoesNotContain(fresh.Stdout.Split('\n'), l => l.Contains("| residual |") && l.Contains("**new**"));
        Assert.Equal(4, CliRunner.Run(models, "--baseline", baseline).ExitCode);
        Assert.Equal(0, CliRunner.Run(models, "--baseline", baseline, "--exit-zero").ExitCode);
        // --fail-on partial with a baseline judges the status again.
        Assert.Equal(1, CliRunner.Run(net, "--baseline", baseline, "--fail-on", "partial").ExitCode);
    }

    [CorpusFact]
    public void FailOnSetsWhatFailsTheRun()
    {
        using var t = new TempDir();
        var partial = Net(t, "partial.mlmodel");
        var argmax = Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc");  // not compatible (2)
        Assert.Equal(1, CliRunner.Run(partial, "--fail-on", "partial").ExitCode);
        Assert.Equal(0, CliRunner.Run(partial, "--fail-on", "none").ExitCode);
        Assert.Equal(2, CliRunner.Run(argmax, "--fail-on", "none").ExitCode);
        Assert.Equal(0, CliRunner.Run(Net(t, "fixed.mlmodel", fixedAdd: true), "--fail-on", "partial").ExitCode);

        var noBaseline = CliRunner.Run(partial, "--fail-on", "new-finding");
        Assert.Equal(5, noBaseline.ExitCode);
        Assert.Contains("needs --baseline", noBaseline.Stderr);
        var typo = CliRunner.Run(partial, "--fail-on", "parital");
        Assert.Equal(5, typo.ExitCode);
        Assert.Contains("partial, none, new-finding", typo.Stderr);
        var missing = CliRunner.Run(partial, "--baseline", t.File("nope.json"));
        Assert.Equal(5, missing.ExitCode);
        Assert.Contains("baseline file not found", missing.Stderr);
        t.Write("bad.json", "{\"findings\": []}");
        Assert.Contains("not an anecompat baseline", CliRunner.Run(partial, "--baseline", t.File("bad.json")).Stderr);
    }

    [CorpusFact]
    public void MarkdownSummaryOfAFolderHasOneRowPerModelAndTheFindings()
    {
        using var t = new TempDir();
        Directory.CreateDirectory(t.File("a"));
        Net(t, Path.Combine("a", "partial.mlmodel"));
        File.Copy(Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), t.File("MNIST.mlmodel"));
        var r = CliRunner.Run(t.Path, "--format", "markdown");
        // MNIST is so little work that placement keeps it on the CPU (not compatible); the net is partial.
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.StartsWith("### ❌ ANECompat: 1 partially compatible, 1 not compatible", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("| `MNIST.mlmodel` | 2 not-compatible | 0/10 |"));
        Assert.Contains(lines, l => l.StartsWith("| `a/partial.mlmodel` | 1 partial |") && l.Contains("NN-BROADCASTABLE-ND"));
        Assert.Contains(lines, l => l.StartsWith("| NN-BROADCASTABLE-ND | op→CPU | `a/partial.mlmodel` | residual |"));
    }
}
