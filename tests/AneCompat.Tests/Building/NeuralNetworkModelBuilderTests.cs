using AneCompat.Building;
using AneCompat.Containers;
using AneCompat.Schema;
using AneCompat.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using static AneCompat.Schema.NeuralNetworkLayer;

namespace AneCompat.Tests.Building;

public class NeuralNetworkModelBuilderTests
{
    private static Model WriteAndParse(NeuralNetworkModelBuilder builder)
    {
        using var dir = new TempDir();
        var path = dir.File("m.mlmodel");
        builder.Write(path);
        MlModelFileCheck.EnsureLooksLikeModel(path);
        var parsed = Model.Parser.ParseFrom(File.ReadAllBytes(path));
        Assert.Equal(builder.Build(), parsed);
        return parsed;
    }

    [Fact]
    public void Convolution_weights_have_the_size_the_format_defines()
    {
        var model = WriteAndParse(new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [8, 16, 16])
            .Convolution("conv", "x", "a", outputChannels: 6, kernelChannels: 8, kernelHeight: 3, kernelWidth: 5,
                strideHeight: 2, strideWidth: 1, dilationHeight: 2, dilationWidth: 1, padding: ConvPadding.Explicit(1, 2, 3, 4))
            .Convolution("grouped", "a", "b", outputChannels: 6, kernelChannels: 2, groups: 3, padding: ConvPadding.Same,
                precision: WeightPrecision.Float16, hasBias: false)
            .Convolution("deconv", "b", "c", outputChannels: 4, kernelChannels: 6, kernelHeight: 2, kernelWidth: 2,
                strideHeight: 2, strideWidth: 2, groups: 2, deconvolution: true, outputShape: [32, 32])
            .Convolution("dynamic", "c", "d", outputChannels: 4, kernelChannels: 4, weightsInput: "w", hasBias: false)
            .MultiArrayOutput("d", [4, 32, 32]));

        Assert.Equal(NeuralNetworkModelBuilder.DefaultSpecificationVersion, model.SpecificationVersion);
        Assert.Equal(4, model.SpecificationVersion);
        var layers = model.NeuralNetwork.Layers;
        var conv = layers[0].Convolution;
        Assert.Equal(6 * 8 * 3 * 5, conv.Weights.FloatValue.Count);
        Assert.Equal(6, conv.Bias.FloatValue.Count);
        Assert.Equal(new ulong[] { 3, 5 }, conv.KernelSize);
        Assert.Equal(new ulong[] { 2, 1 }, conv.Stride);
        Assert.Equal(new ulong[] { 2, 1 }, conv.DilationFactor);
        Assert.Equal(ConvolutionLayerParams.ConvolutionPaddingTypeOneofCase.Valid, conv.ConvolutionPaddingTypeCase);
        var borders = conv.Valid.PaddingAmounts.BorderAmounts_;
        Assert.Equal((1UL, 2UL, 3UL, 4UL), (borders[0].StartEdgeSize, borders[0].EndEdgeSize, borders[1].StartEdgeSize, borders[1].EndEdgeSize));
        Assert.True(conv.Weights.FloatValue.All(v => v >= -0.1f && v <= 0.1f));

        var grouped = layers[1].Convolution;
        Assert.Equal(3UL, grouped.NGroups);
        Assert.Equal(2 * 6 * 2 * 3 * 3, grouped.Weights.Float16Value.Length); // fp16: 2 bytes per weight
        Assert.Empty(grouped.Weights.FloatValue);
        Assert.Null(grouped.Bias);
        Assert.NotNull(grouped.Same);

        var deconv = layers[2].Convolution;
        Assert.True(deconv.IsDeconvolution);
        Assert.Equal(6 * (4 / 2) * 2 * 2, deconv.Weights.FloatValue.Count);
        Assert.Equal(new ulong[] { 32, 32 }, deconv.OutputShape);

        Assert.Equal(new[] { "c", "w" }, layers[3].Input);
        Assert.Null(layers[3].Convolution.Weights);
    }

    [Fact]
    public void Common_layers_parse_back_with_their_parameters()
    {
        var model = WriteAndParse(new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [4, 8, 8])
            .Pooling("maxpool", "x", "p", kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padding: ConvPadding.Same)
            .GlobalPooling("gap", "p", "g")
            .Activation("prelu", "x", "pr", ActivationKind.PReLU, channels: 4)
            .Activation("leaky", "pr", "lk", ActivationKind.LeakyReLU, alpha: 0.2f)
            .Batchnorm("bn", "lk", "bn_out", channels: 4, epsilon: 1e-3f)
            .Add("add", ["bn_out", "x"], "sum")
            .Multiply("mul", ["sum", "x"], "prod")
            .AddBroadcastable("addb", ["prod", "g"], "addb_out")
            .MultiplyBroadcastable("mulb", ["addb_out", "g"], "mulb_out")
            .Concat("cat", ["mulb_out", "x"], "cat_out")
            .ConcatND("catnd", ["cat_out", "x"], "catnd_out", axis: -3)
            .Reshape("reshape", "catnd_out", "r", [16, 8, 8])
            .Permute("permute", "r", "perm", [0, 1, 3, 2])
            .Upsample("up", "perm", "up_out", 2, 3, UpsampleLayerParams.Types.InterpolationMode.Bilinear,
                UpsampleLayerParams.Types.LinearUpsampleMode.AlignCornersTrue)
            .Padding("pad", "up_out", "pad_out", 1, 1, 2, 2, PaddingFill.Reflection)
            .Flatten("flat", "pad_out", "f")
            .InnerProduct("fc", "f", "fc_out", inputChannels: 16 * 18 * 28, outputChannels: 3, precision: WeightPrecision.Float16)
            .Embedding("emb", "ids", "emb_out", inputDim: 50, outputChannels: 7)
            .Softmax("softmax", "fc_out", "probs")
            .LoadConstantND("const", "k", [2, 3, 4])
            .Custom("swish", ["probs"], ["swish_out"], "MySwish",
                new Dictionary<string, CustomLayerParams.Types.CustomLayerParamValue> { ["beta"] = new() { DoubleValue = 1.5 } })
            .MultiArrayOutput("swish_out", [3]));

        var byName = model.NeuralNetwork.Layers.ToDictionary(l => l.Name);
        Assert.Equal(21, byName.Count);
        Assert.Equal(PoolingLayerParams.Types.PoolingType.Max, byName["maxpool"].Pooling.Type);
        Assert.True(byName["gap"].Pooling.GlobalPooling);
        Assert.Equal(PoolingLayerParams.Types.PoolingType.Average, byName["gap"].Pooling.Type);
        Assert.Equal(4, byName["prelu"].Activation.PReLU.Alpha.FloatValue.Count);
        Assert.Equal(0.2f, byName["leaky"].Activation.LeakyReLU.Alpha);
        var bn = byName["bn"].Batchnorm;
        Assert.All(new[] { bn.Gamma, bn.Beta, bn.Mean, bn.Variance }, w => Assert.Equal(4, w.FloatValue.Count));
        Assert.True(bn.Variance.FloatValue.All(v => v > 0));
        Assert.Equal(new[] { "bn_out", "x" }, byName["add"].Input);
        Assert.Equal(LayerOneofCase.Multiply, byName["mul"].LayerCase);
        Assert.Equal(LayerOneofCase.AddBroadcastable, byName["addb"].LayerCase);
        Assert.Equal(LayerOneofCase.MultiplyBroadcastable, byName["mulb"].LayerCase);
        Assert.Equal(LayerOneofCase.Concat, byName["cat"].LayerCase);
        Assert.Equal(-3, byName["catnd"].ConcatND.Axis);
        Assert.Equal(new long[] { 16, 8, 8 }, byName["reshape"].Reshape.TargetShape);
        Assert.Equal(new ulong[] { 0, 1, 3, 2 }, byName["permute"].Permute.Axis);
        Assert.Equal(new ulong[] { 2, 3 }, byName["up"].Upsample.ScalingFactor);
        Assert.Equal(UpsampleLayerParams.Types.InterpolationMode.Bilinear, byName["up"].Upsample.Mode);
        Assert.NotNull(byName["pad"].Padding.Reflection);
        Assert.Equal(2UL, byName["pad"].Padding.PaddingAmounts.BorderAmounts_[1].StartEdgeSize);
        Assert.Equal(LayerOneofCase.Flatten, byName["flat"].LayerCase);
        Assert.Equal(2 * 16 * 18 * 28 * 3, byName["fc"].InnerProduct.Weights.Float16Value.Length);
        Assert.Equal(6, byName["fc"].InnerProduct.Bias.Float16Value.Length);
        Assert.Equal(50 * 7, byName["emb"].Embedding.Weights.FloatValue.Count);
        Assert.Equal(LayerOneofCase.Softmax, byName["softmax"].LayerCase);
        Assert.Equal(2 * 3 * 4, byName["const"].LoadConstantND.Data.FloatValue.Count);
        Assert.Empty(byName["const"].Input);
        Assert.Equal("MySwish", byName["swish"].Custom.ClassName);
        Assert.Equal(1.5, byName["swish"].Custom.Parameters["beta"].DoubleValue);
    }

    [Fact]
    public void Lstm_has_four_gates_of_input_and_recursion_weights()
    {
        var model = WriteAndParse(new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [10])
            .Lstm("lstm", ["x", "h0", "c0"], ["y", "h1", "c1"], inputSize: 10, hiddenSize: 6)
            .MultiArrayOutput("y", [6]));
        var lstm = model.NeuralNetwork.Layers[0].UniDirectionalLSTM;
        Assert.Equal(10UL, lstm.InputVectorSize);
        Assert.Equal(6UL, lstm.OutputVectorSize);
        Assert.Equal(3, lstm.Activations.Count);
        var w = lstm.WeightParams;
        Assert.All(new[] { w.InputGateWeightMatrix, w.ForgetGateWeightMatrix, w.BlockInputWeightMatrix, w.OutputGateWeightMatrix },
            m => Assert.Equal(6 * 10, m.FloatValue.Count));
        Assert.All(new[] { w.InputGateRecursionMatrix, w.ForgetGateRecursionMatrix, w.BlockInputRecursionMatrix, w.OutputGateRecursionMatrix },
            m => Assert.Equal(6 * 6, m.FloatValue.Count));
        Assert.Equal(6, w.OutputGateBiasVector.FloatValue.Count);
        Assert.Null(w.InputGatePeepholeVector);
    }

    [Fact]
    public void Branch_and_loop_carry_nested_networks()
    {
        var model = WriteAndParse(new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [1])
            .Layer("cond", "x", "flag", l => l.GreaterThan = new GreaterThanLayerParams { Alpha = 0 })
            .Branch("branch", "flag",
                then => then.Activation("then_relu", "x", "y", ActivationKind.ReLU),
                otherwise => otherwise.Activation("else_sig", "x", "y", ActivationKind.Sigmoid).Add("else_add", ["y"], "y", 1f))
            .Loop("loop", [], [], body => body.Add("inc", ["y"], "y", 1f).Layer("stop", [], [], l => l.LoopBreak = new LoopBreakLayerParams()),
                maxIterations: 5)
            .MultiArrayOutput("y", [1]));
        var layers = model.NeuralNetwork.Layers;
        Assert.Equal(new[] { "cond", "branch", "loop" }, layers.Select(l => l.Name));
        Assert.Equal(new[] { "then_relu" }, layers[1].Branch.IfBranch.Layers.Select(l => l.Name));
        Assert.Equal(new[] { "else_sig", "else_add" }, layers[1].Branch.ElseBranch.Layers.Select(l => l.Name));
        Assert.Equal(5UL, layers[2].Loop.MaxLoopIterations);
        Assert.Equal(LayerOneofCase.LoopBreak, layers[2].Loop.BodyNetwork.Layers[1].LayerCase);
        Assert.Null(layers[2].Loop.ConditionNetwork);
    }

    [Fact]
    public void Escape_hatch_builds_every_layer_type_of_the_format()
    {
        // formats.md §a.8 lists 158 members of NeuralNetworkLayer.layer; each must be buildable.
        var oneof = NeuralNetworkLayer.Descriptor.Oneofs.Single(o => o.Name == "layer");
        Assert.Equal(158, oneof.Fields.Count);
        var builder = new NeuralNetworkModelBuilder().MultiArrayInput("x", [1]);
        foreach (var field in oneof.Fields)
        {
            var parameters = field.MessageType.Parser.ParseFrom(ByteString.Empty);
            builder.Layer(field.Name, "x", field.Name + "_out", l => field.Accessor.SetValue(l, parameters));
        }
        var model = WriteAndParse(builder);
        Assert.Equal(oneof.Fields.Select(f => f.FieldNumber), model.NeuralNetwork.Layers.Select(l => (int)l.LayerCase));
    }

    [Fact]
    public void Classifier_with_string_labels_gets_label_and_probability_outputs()
    {
        var model = WriteAndParse(new NeuralNetworkModelBuilder()
            .SpecificationVersion(5)
            .ImageInput("image", 32, 24, ImageFeatureType.Types.ColorSpace.Bgr)
            .ImageScaler("image", 1 / 255f, redBias: -0.5f)
            .Flatten("flat", "image", "f")
            .InnerProduct("fc", "f", "logits", 3 * 32 * 24, 3)
            .Softmax("softmax", "logits", "classProbs")
            .Classifier(["cat", "dog", "bird"], "classProbs"));
        Assert.Equal(5, model.SpecificationVersion);
        Assert.Equal(Model.TypeOneofCase.NeuralNetworkClassifier, model.TypeCase);
        var nn = model.NeuralNetworkClassifier;
        Assert.Equal(new[] { "cat", "dog", "bird" }, nn.StringClassLabels.Vector);
        Assert.Equal(1 / 255f, nn.Preprocessing[0].Scaler.ChannelScale);
        Assert.Equal("classLabel", model.Description.PredictedFeatureName);
        Assert.Equal("classProbs", model.Description.PredictedProbabilitiesName);
        Assert.Equal(new[] { "classProbs", "classLabel" }, model.Description.Output.Select(o => o.Name));
        Assert.NotNull(model.Description.Output[0].Type.DictionaryType.StringKeyType);
        Assert.NotNull(model.Description.Output[1].Type.StringType);
        var image = model.Description.Input[0].Type.ImageType;
        Assert.Equal((32L, 24L, ImageFeatureType.Types.ColorSpace.Bgr), (image.Width, image.Height, image.ColorSpace));
    }

    [Fact]
    public void Flexible_inputs_are_written_as_enumerated_shapes_and_ranges()
    {
        var model = WriteAndParse(new NeuralNetworkModelBuilder()
            .Input("enumerated", FeatureTypes.MultiArrayEnumerated([3, 8, 8], [[3, 8, 8], [3, 16, 16]]))
            .Input("ranged", FeatureTypes.MultiArrayRanged([3, 8, 8], [(3, 3), (8, 64), (8, -1)], ArrayFeatureType.Types.ArrayDataType.Float16))
            .Input("imgs", FeatureTypes.ImageEnumerated(64, 64, ImageFeatureType.Types.ColorSpace.Grayscale, [(64, 64), (128, 96)]))
            .Input("imgr", FeatureTypes.ImageRanged(64, 64, ImageFeatureType.Types.ColorSpace.Rgb, (32, 256), (32, -1)))
            .ExactArrayMapping()
            .Rank4ImageMapping()
            .Add("add", ["enumerated", "ranged"], "y")
            .MultiArrayOutput("y", [3, 8, 8]));
        var inputs = model.Description.Input;
        Assert.Equal(new long[] { 3, 16, 16 }, inputs[0].Type.MultiArrayType.EnumeratedShapes.Shapes[1].Shape_);
        var ranges = inputs[1].Type.MultiArrayType.ShapeRange.SizeRanges;
        Assert.Equal((8UL, 64L), (ranges[1].LowerBound, ranges[1].UpperBound));
        Assert.Equal(-1L, ranges[2].UpperBound);
        Assert.Equal(ArrayFeatureType.Types.ArrayDataType.Float16, inputs[1].Type.MultiArrayType.DataType);
        Assert.Equal(96UL, inputs[2].Type.ImageType.EnumeratedSizes.Sizes[1].Height);
        Assert.Equal(-1L, inputs[3].Type.ImageType.ImageSizeRange.HeightRange.UpperBound);
        Assert.Equal(NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping, model.NeuralNetwork.ArrayInputShapeMapping);
        Assert.Equal(NeuralNetworkImageShapeMapping.Rank4ImageMapping, model.NeuralNetwork.ImageInputShapeMapping);
    }

    [Fact]
    public void Same_calls_give_the_same_bytes()
    {
        static NeuralNetworkModelBuilder Make() => new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [2, 4, 4])
            .Convolution("c", "x", "y", 3, 2)
            .Batchnorm("b", "y", "z", 3)
            .MultiArrayOutput("z", [3, 2, 2]);
        Assert.Equal(Make().ToBytes(), Make().ToBytes());
        // Different layer names seed different weights.
        var other = new NeuralNetworkModelBuilder().MultiArrayInput("x", [2, 4, 4]).Convolution("d", "x", "y", 3, 2).Build();
        Assert.NotEqual(Make().Build().NeuralNetwork.Layers[0].Convolution.Weights, other.NeuralNetwork.Layers[0].Convolution.Weights);
    }

    [Fact]
    public void Writing_refuses_to_replace_an_input()
    {
        using var dir = new TempDir();
        var input = dir.File("in.mlmodel");
        File.WriteAllBytes(input, [8, 1]);
        var builder = new NeuralNetworkModelBuilder().MultiArrayInput("x", [1]).ReLU("r", "x", "y").MultiArrayOutput("y", [1]);
        Assert.Throws<IOException>(() => builder.Write(input, protectedPaths: [input]));
        Assert.Equal(new byte[] { 8, 1 }, File.ReadAllBytes(input));
    }
}
