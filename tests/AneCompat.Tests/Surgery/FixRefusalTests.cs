using AneCompat.Building;
using AneCompat.Evaluation;
using AneCompat.Schema;
using AneCompat.Surgery;
using AneCompat.Tests.Support;
using Google.Protobuf;

namespace AneCompat.Tests.Surgery;

/// <summary>What fix refuses (exit 5, one line, nothing written) and the preconditions it checks.</summary>
public class FixRefusalTests
{
    private static string Write(TempDir dir, string name, Model model) => dir.Write(name, model.ToByteArray());

    /// <summary>x [1,4,3,3] and a constant c, combined by <paramref name="kind"/> with the constant first or second.</summary>
    private static Model ScalarModel(Action<NeuralNetworkLayer> kind, bool constantFirst, float value = 2.5f, IReadOnlyList<ulong>? constShape = null)
    {
        var b = new NeuralNetworkModelBuilder().ExactArrayMapping()
            .MultiArrayInput("x", [1, 4, 3, 3]).MultiArrayOutput("y", [1, 4, 3, 3])
            .Layer("c", [], ["c_out"], l =>
            {
                var p = new LoadConstantNDLayerParams { Data = new WeightParams() };
                var shape = constShape ?? [1];
                p.Shape.Add(shape);
                p.Data.FloatValue.AddRange(Enumerable.Repeat(value, (int)shape.Aggregate(1UL, (a, c) => a * c)));
                l.LoadConstantND = p;
            })
            .Layer("op", constantFirst ? ["c_out", "x"] : ["x", "c_out"], ["y"], kind);
        return b.Build();
    }

    [Theory]
    [InlineData(false, NeuralNetworkLayer.LayerOneofCase.Add)]
    [InlineData(true, NeuralNetworkLayer.LayerOneofCase.Activation)]
    public void Subtracting_a_scalar_constant_respects_operand_order(bool constantFirst, NeuralNetworkLayer.LayerOneofCase expected)
    {
        using var dir = new TempDir();
        var input = Write(dir, "in.mlmodel", ScalarModel(l => l.SubtractBroadcastable = new SubtractBroadcastableLayerParams(), constantFirst));
        var o = FixRunner.Run(input, dir.File("out.mlmodel"), new FixOptions(), dryRun: false);
        var p = Assert.Single(o.Plan.Applied);
        Assert.Equal("S2", p.Fix.Id);
        Assert.True(o.Plan.Checks[p].Passed);
        var layers = FixTestSupport.Layers(FixTestSupport.ReadWhole(dir.File("out.mlmodel")));
        // The folded constant is gone; only the rewritten layer remains.
        Assert.Equal(expected, Assert.Single(layers).LayerCase);
        if (constantFirst) Assert.Equal((-1f, 2.5f), (layers[0].Activation.Linear.Alpha, layers[0].Activation.Linear.Beta));
        else Assert.Equal(-2.5f, layers[0].Add.Alpha);
    }

    [Fact]
    public void The_check_catches_the_operand_order_mistake_other_converters_make()
    {
        // MindSpore maps c − x to add(alpha = −c) whichever operand is the constant: the evaluator must reject it.
        var model = ScalarModel(l => l.SubtractBroadcastable = new SubtractBroadcastableLayerParams(), constantFirst: true);
        var layers = model.NeuralNetwork.Layers;
        var wrong = new NeuralNetworkLayer { Name = "op", Add = new AddLayerParams { Alpha = -2.5f } };
        wrong.Input.Add("x");
        wrong.Output.Add("y");
        var result = EquivalenceChecker.Check(new EquivalenceCase(layers, [wrong], ["y"], [new Dictionary<string, long[]> { ["x"] = [1, 4, 3, 3] }]));
        Assert.False(result.Passed);
        Assert.Contains("differ", result.Problem);
    }

    [Fact]
    public void A_non_finite_constant_is_not_folded_and_says_why()
    {
        using var dir = new TempDir();
        var input = Write(dir, "in.mlmodel", ScalarModel(l => l.AddBroadcastable = new AddBroadcastableLayerParams(), false, float.NegativeInfinity));
        var o = FixRunner.Run(input, null, new FixOptions(), dryRun: true);
        Assert.Contains("only finite constants are folded", Assert.Single(o.Plan.Proposals).NotApplicable);
    }

    [Fact]
    public void A_per_channel_constant_becomes_a_scale_layer()
    {
        using var dir = new TempDir();
        var input = Write(dir, "in.mlmodel", ScalarModel(l => l.MultiplyBroadcastable = new MultiplyBroadcastableLayerParams(), false, 0.75f, [4, 1, 1]));
        var o = FixRunner.Run(input, dir.File("out.mlmodel"), new FixOptions(), dryRun: false);
        var p = Assert.Single(o.Plan.Applied);
        Assert.Equal("S4", p.Fix.Id);
        Assert.True(o.Plan.Checks[p].Passed);
        var layer = Assert.Single(FixTestSupport.Layers(FixTestSupport.ReadWhole(dir.File("out.mlmodel"))));
        Assert.Equal(new ulong[] { 4 }, layer.Scale.ShapeScale);
    }

    [Fact]
    public void Broadcasting_inputs_of_different_shapes_are_not_rewritten_and_the_reason_names_the_shapes()
    {
        using var dir = new TempDir();
        var model = new NeuralNetworkModelBuilder().ExactArrayMapping()
            .MultiArrayInput("a", [1, 4, 3, 3]).MultiArrayInput("b", [1, 1, 3, 3]).MultiArrayOutput("y", [1, 4, 3, 3])
            .AddBroadcastable("op", ["a", "b"], "y").Build();
        var o = FixRunner.Run(Write(dir, "in.mlmodel", model), null, new FixOptions(), dryRun: true);
        var p = Assert.Single(o.Plan.Proposals);
        Assert.False(p.Applicable);
        Assert.Equal("input shapes [1, 4, 3, 3] and [1, 1, 3, 3] differ; the Core ML 2 layer does not broadcast the same way", p.NotApplicable);
        var cli = CliRunner.Run("fix", dir.File("in.mlmodel"), "-o", dir.File("out.mlmodel"));
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("not applied S1 [NN-BROADCASTABLE-ND] 'op': input shapes [1, 4, 3, 3] and [1, 1, 3, 3] differ", cli.Stdout);
        Assert.False(File.Exists(dir.File("out.mlmodel")));
    }

    [Fact]
    public void Updatable_model_rewrite_on_the_back_propagation_path_is_refused()
    {
        using var dir = new TempDir();
        var model = new NeuralNetworkModelBuilder().ExactArrayMapping()
            .MultiArrayInput("x", [1, 8]).MultiArrayOutput("y", [1, 4])
            .InnerProduct("fc", "x", "h", 8, 4)
            .AddBroadcastable("op", ["h", "h"], "y").Build();
        model.IsUpdatable = true;
        model.NeuralNetwork.Layers[0].IsUpdatable = true;
        var input = Write(dir, "in.mlmodel", model);
        var cli = CliRunner.Run("fix", input, "-o", dir.File("out.mlmodel"));
        Assert.Equal(5, cli.ExitCode);
        Assert.Equal("anecompat: fix: refused: updatable model: S1 would rewrite layer 'op' on the back-propagation path; refusing (exclude it with --rule)", cli.Stderr.Trim());
        Assert.False(File.Exists(dir.File("out.mlmodel")));
    }

    [CorpusFact]
    public void Compiled_models_are_refused()
    {
        using var dir = new TempDir();
        var cli = CliRunner.Run("fix", Corpus.Path("coremltools-add-model-mlmodelc/add_model.mlmodelc"), "-o", dir.File("out.mlmodelc"));
        Assert.Equal(5, cli.ExitCode);
        Assert.Contains("compiled .mlmodelc models cannot be rewritten", cli.Stderr);
        Assert.Empty(dir.Entries());
    }

    [CorpusFact]
    public void Output_over_or_inside_the_input_is_refused_and_the_input_is_unchanged()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.mlmodel", File.ReadAllBytes(FixTestSupport.Sample));
        var before = CorpusHashes.Snapshot(dir.Path);
        var same = CliRunner.Run("fix", input, "-o", input);
        Assert.Equal(5, same.ExitCode);
        Assert.Contains("is the input; fix never writes over its input", same.Stderr);
        var viaDots = CliRunner.Run("fix", input, "-o", System.IO.Path.Combine(dir.Path, ".", "in.mlmodel"));
        Assert.Equal(5, viaDots.ExitCode);
        var package = Corpus.Path("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
        var inside = CliRunner.Run("fix", package, "-o", System.IO.Path.Combine(package, "Data", "x.mlpackage"));
        Assert.Equal(5, inside.ExitCode);
        Assert.Contains("lies inside the input", inside.Stderr);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(dir.Path));
    }

    [Fact]
    public void Dry_run_prints_the_plan_and_writes_nothing()
    {
        using var dir = new TempDir();
        var cli = CliRunner.Run("fix", FixTestSupport.Sample, "-o", dir.File("out.mlmodel"), "--dry-run");
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("will apply S1 [NN-BROADCASTABLE-ND, exact] 'residual': AddBroadcastable → Add", cli.Stdout);
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void Unknown_rule_and_malformed_shape_are_argument_errors()
    {
        Assert.Equal(5, CliRunner.Run("fix", FixTestSupport.Sample, "--dry-run", "--rule", "S99").ExitCode);
        var bad = CliRunner.Run("fix", FixTestSupport.Sample, "--dry-run", "--shape", "x=1x0x3");
        Assert.Equal(5, bad.ExitCode);
        Assert.Contains("not a shape of positive sizes", bad.Stderr);
    }
}
