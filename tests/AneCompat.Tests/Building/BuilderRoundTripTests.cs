using AneCompat.Building;
using AneCompat.Graph;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Building;

/// <summary>
/// Models written by the builders read back through <see cref="ModelReader"/> with the same ops and shapes.
/// These need the protobuf, NeuralNetwork and MIL decoders from the other branches.
/// </summary>
public class BuilderRoundTripTests
{
    [Fact]
    public void Sample_reads_back_layer_for_layer()
    {
        var graph = ModelReader.Read(Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel"));
        Assert.Equal(ContainerKind.MlModel, graph.Container);
        Assert.Equal("neuralNetwork", graph.Root.ModelType);
        Assert.Equal(4, graph.Root.SpecificationVersion);
        var ops = graph.AllOps().ToList();
        Assert.Equal(new[] { "convolution", "activation", "pooling", "convolution", "activation", "convolution", "addBroadcastable", "pooling", "flatten", "innerProduct", "softmax" },
            ops.Select(o => o.Source));
        Assert.Equal(new[] { "conv1", "relu1", "pool1", "conv2", "relu2", "shortcut", "residual", "gap", "flatten", "fc", "softmax" }, ops.Select(o => o.Name));
        Assert.Equal(new long[] { 3, 256, 256 }, graph.Root.Interface.Inputs.Single().Shape);
        Assert.Equal(new long[] { 10 }, graph.Root.Interface.Outputs.Single().Shape);
        // fp32 weights + biases: conv1 32·3·3·3 + 32, conv2 64·32·3·3 + 64, shortcut 64·32 + 64, fc 64·10 + 10.
        Assert.Equal((896 + 18496 + 2112 + 650) * 4L, graph.WeightBytes);
        // Shapes inferred from the input description: pooled 32×128×128, the residual sum 64×128×128, then 64 features.
        Assert.Equal("[1, 64, 128, 128]", ops.Single(o => o.Name == "residual").Outputs.Single().Type.Shape.ToString());
    }

    [Fact]
    public void Synthetic_large_model_reads_with_every_layer_and_its_weight_bytes()
    {
        using var dir = new TempDir();
        var path = dir.File("large.mlmodel");
        var plan = SyntheticLargeModel.MakePlan(4L * 1024 * 1024);
        SyntheticLargeModel.Write(path, plan);
        var graph = ModelReader.Read(path);
        var ops = graph.AllOps().ToList();
        Assert.Equal(plan.TotalLayers, ops.Count);
        Assert.Equal(plan.Layers, ops.Count(o => o.Source == "innerProduct"));
        Assert.Equal("loadConstantND", ops[^1].Source);
        Assert.Equal(plan.WeightBytes, graph.WeightBytes);
    }

    [Fact]
    public void Classifier_and_nested_networks_read_back()
    {
        using var dir = new TempDir();
        var path = dir.File("classifier.mlmodel");
        new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [4])
            .Layer("cond", "x", "flag", l => l.GreaterThan = new Schema.GreaterThanLayerParams())
            .Branch("branch", "flag", t => t.ReLU("then_relu", "x", "y"), e => e.Activation("else_tanh", "x", "y", ActivationKind.Tanh))
            .InnerProduct("fc", "y", "logits", 4, 2)
            .Softmax("softmax", "logits", "probs")
            .Classifier(["no", "yes"], "probs")
            .Write(path);
        var graph = ModelReader.Read(path);
        Assert.Equal("neuralNetworkClassifier", graph.Root.ModelType);
        var branch = graph.AllOps().Single(o => o.Source == "branch");
        Assert.Equal(2, branch.Blocks.Count);
        Assert.Equal("then_relu", branch.Blocks[0].Ops.Single().Name);
        Assert.Equal("else_tanh", branch.Blocks[1].Ops.Single().Name);
        Assert.Contains(graph.Root.Interface.Outputs, f => f.Name == "classLabel" && f.Kind == FeatureKind.String);
    }

    [Fact]
    public void Ml_program_package_reads_back_with_types_and_weight_sizes()
    {
        using var dir = new TempDir();
        var package = dir.File("conv.mlpackage");
        MlProgramBuilderTests.ConvProgram().WritePackage(package);
        var graph = ModelReader.Read(package);
        Assert.Equal(ContainerKind.MlPackage, graph.Container);
        Assert.Equal("mlProgram", graph.Root.ModelType);
        Assert.Empty(graph.Warnings);
        var ops = graph.AllOps().ToList();
        Assert.Equal(new[] { "const", "const", "const", "const", "conv", "relu" }, ops.Select(o => o.Source));
        var conv = ops.Single(o => o.Source == "conv");
        Assert.Equal("CoreML7", conv.Opset);
        Assert.Equal(TensorShape.Of(1, 4, 8, 8), conv.Outputs.Single().Type.Shape);
        Assert.Equal(ElementType.Float32, conv.Outputs.Single().Type.Element);
        Assert.Equal("w", conv.Arg("weight")!.Name);
        Assert.Equal(4 * 3 * 3 * 3 * 4L, ops.Single(o => o.Name == "w").WeightBytes);
        Assert.Equal(4 * 10 * 2L, ops.Single(o => o.Name == "b").WeightBytes);
        Assert.Equal(new long[] { 1, 3, 8, 8 }, graph.Root.Interface.Inputs.Single().Shape);
    }

    [Fact]
    public void Ml_program_with_unknown_dimension_reads_as_ranged_input()
    {
        using var dir = new TempDir();
        var package = dir.File("flex.mlpackage");
        new MlProgramBuilder()
            .Function("main", f => f
                .Input("x", MilTypes.Tensor(Schema.Mil.DataType.Float32, 1, -1))
                .Op("relu", new MilInputs { ["x"] = "x" }, "y", MilTypes.Tensor(Schema.Mil.DataType.Float32, 1, -1))
                .Output("y"))
            .WritePackage(package);
        var graph = ModelReader.Read(package);
        var input = graph.Root.Interface.Inputs.Single();
        Assert.NotEqual(ShapeFlexibility.Fixed, input.Flexibility);
        var relu = graph.AllOps().Single();
        Assert.False(relu.Outputs.Single().Type.Shape[1].IsKnown);
        Assert.Equal(1L, relu.Outputs.Single().Type.Shape[0].Size);
    }
}
