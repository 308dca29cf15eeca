using AneCompat.Surgery;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Surgery;

/// <summary>fix on real models: the output re-reads, every rewrite is proven, the prediction improves, the rest is untouched, the input is not.</summary>
public class FixCorpusTests
{
    private static (FixOutcome Outcome, string Output) Fix(TempDir dir, string input, FixOptions options)
    {
        var hashesBefore = CorpusHashes.Snapshot(System.IO.Path.GetDirectoryName(input)!);
        var output = dir.File(System.IO.Path.GetFileName(input));
        var outcome = FixRunner.Run(input, output, options, dryRun: false);
        CorpusHashes.AssertUnchanged(hashesBefore, CorpusHashes.Snapshot(System.IO.Path.GetDirectoryName(input)!));
        Assert.NotNull(outcome.After);
        Assert.All(outcome.Plan.Applied.Where(p => p.Check is not null), p => Assert.True(outcome.Plan.Checks[p].Passed));
        Assert.All(outcome.Plan.Applied.Where(p => p.Check is not null), p => Assert.True(outcome.Plan.Checks[p].Runs >= 2));
        Assert.Equal(new[] { System.IO.Path.GetFileName(output) }, dir.Entries()); // no temporaries left behind
        FixTestSupport.AssertNoInternalFields(FixTestSupport.ReadWhole(output));
        return (outcome, output);
    }

    [Fact]
    public void Readme_sample_addBroadcastable_becomes_add_and_the_model_is_predicted_fully_on_the_ANE()
    {
        using var dir = new TempDir();
        var (o, output) = Fix(dir, FixTestSupport.Sample, new FixOptions());
        var applied = Assert.Single(o.Plan.Applied);
        Assert.Equal("S1", applied.Fix.Id);
        Assert.Equal(Schema.NeuralNetworkLayer.LayerOneofCase.Add, applied.Replacement.Single().LayerCase);
        Assert.True(o.After!.Placement.OpsFraction > o.Before.Placement.OpsFraction);
        Assert.DoesNotContain(o.After.Rules, r => r.RuleId == "NN-BROADCASTABLE-ND");
        FixTestSupport.AssertUntouchedLayersIdentical(FixTestSupport.ReadWhole(FixTestSupport.Sample), FixTestSupport.ReadWhole(output), o.Plan);
        Assert.Equal(FixTestSupport.ReadWhole(FixTestSupport.Sample).SpecificationVersion, FixTestSupport.ReadWhole(output).SpecificationVersion);
    }

    [CorpusFact]
    public void Espnet_dilated_convolutions_become_dense_ones_only_when_asked_and_compute_the_same()
    {
        var input = Corpus.Path("espnetv2-segmentation/espnet_640_480_with_metadata.mlmodel");
        var plain = FixRunner.Run(input, null, new FixOptions(), dryRun: true);
        Assert.DoesNotContain(plain.Plan.Proposals, p => p.Fix.Id == "S7");

        using var dir = new TempDir();
        var (o, output) = Fix(dir, input, new FixOptions { ExpandDilated = true });
        Assert.Equal(32, o.Plan.Applied.Count(p => p.Fix.Id == "S7"));
        Assert.DoesNotContain(o.After!.Rules, r => r.RuleId == "CONV-DILATION");
        Assert.True(o.After.Placement.FlopsFraction > o.Before.Placement.FlopsFraction);
        FixTestSupport.AssertUntouchedLayersIdentical(FixTestSupport.ReadWhole(input), FixTestSupport.ReadWhole(output), o.Plan);
    }

    [CorpusFact]
    public void Carn_range_input_becomes_the_fixed_shape_given_and_shapes_become_known()
    {
        var input = Corpus.Path("carn-super-resolution/Model.mlmodel");
        using var dir = new TempDir();
        var (o, output) = Fix(dir, input, new FixOptions { Shapes = new Dictionary<string, IReadOnlyList<long[]>> { ["0"] = [[3, 64, 64]] } });
        Assert.Equal("S12", Assert.Single(o.Plan.Applied).Fix.Id);
        var written = FixTestSupport.ReadWhole(output).Description.Input.Single(i => i.Name == "0").Type.MultiArrayType;
        Assert.Null(written.ShapeRange);
        Assert.Equal(new long[] { 3, 64, 64 }, written.Shape);
        Assert.DoesNotContain(o.After!.Rules, r => r.RuleId == "SHAPE-RANGE");
        int Unknown(AneCompat.Reporting.Report r) => r.Rules.SingleOrDefault(x => x.RuleId == "SHAPE-UNKNOWN")?.Count ?? 0;
        Assert.True(Unknown(o.After) <= Unknown(o.Before));
        // The network is not touched at all.
        var before = FixTestSupport.ReadWhole(input);
        var after = FixTestSupport.ReadWhole(output);
        Assert.Equal(Google.Protobuf.MessageExtensions.ToByteArray(before.NeuralNetwork), Google.Protobuf.MessageExtensions.ToByteArray(after.NeuralNetwork));
    }

    [CorpusFact]
    public void Carn_enumerated_shapes_keep_the_first_as_default_and_a_shape_outside_the_range_is_not_applied()
    {
        var input = Corpus.Path("carn-super-resolution/Model.mlmodel");
        using var dir = new TempDir();
        var (_, output) = Fix(dir, input, new FixOptions { Shapes = new Dictionary<string, IReadOnlyList<long[]>> { ["0"] = [[3, 64, 64], [3, 128, 96]] } });
        var t = FixTestSupport.ReadWhole(output).Description.Input.Single(i => i.Name == "0").Type.MultiArrayType;
        Assert.Equal(new long[] { 3, 64, 64 }, t.Shape);
        Assert.Equal(2, t.EnumeratedShapes.Shapes.Count);

        var wrongRank = FixRunner.Run(input, null, new FixOptions { Shapes = new Dictionary<string, IReadOnlyList<long[]>> { ["0"] = [[1, 3, 64, 64]] } }, dryRun: true);
        Assert.Contains("has rank 4; input '0' has rank 3", Assert.Single(wrongRank.Plan.Proposals).NotApplicable);
        var noShape = FixRunner.Run(input, null, new FixOptions(), dryRun: true);
        Assert.Contains("--shape 0=", noShape.Plan.Proposals.Single(p => p.Fix.Id == "S12").NotApplicable);
    }

    [CorpusFact]
    public void Blazeface_subtractBroadcastable_becomes_negate_and_add_proven_and_the_rest_is_said_why_not()
    {
        var input = Corpus.Path("blazeface-torch-ct4/BlazeFaceScaled.mlmodel");
        using var dir = new TempDir();
        var (o, output) = Fix(dir, input, new FixOptions());
        Assert.Equal(2, o.Plan.Applied.Count(p => p.Fix.Id == "S3"));
        Assert.Contains(o.Plan.Skipped, p => p.Fix.Id == "S5" && p.NotApplicable!.Contains("axis 1 (rank 3)"));
        Assert.True(o.After!.Rules.Single(r => r.RuleId == "NN-BROADCASTABLE-ND").Count < o.Before.Rules.Single(r => r.RuleId == "NN-BROADCASTABLE-ND").Count);
        // The new layers land in a CPU stretch (squeeze/slice layers around them stay off the ANE), so the ANE's work
        // does not grow — it must not shrink either — and the CLI says the share did not improve.
        Assert.Equal(o.Before.Placement.Flops, o.After.Placement.Flops);
        Assert.Equal(o.Before.Placement.Ops, o.After.Placement.Ops);
        var cli = CliRunner.Run("fix", input, "-o", dir.File("again.mlmodel"));
        Assert.Contains("the predicted ANE share does not improve", cli.Stdout);
        FixTestSupport.AssertUntouchedLayersIdentical(FixTestSupport.ReadWhole(input), FixTestSupport.ReadWhole(output), o.Plan);
    }
}
