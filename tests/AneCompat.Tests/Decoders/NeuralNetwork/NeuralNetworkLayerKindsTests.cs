using AneCompat.Decoders.NeuralNetwork;
using AneCompat.Graph;
using AneCompat.Schema;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Tests.Decoders.NeuralNetwork;

public class NeuralNetworkLayerKindsTests
{
    private static readonly L[] AllCases = Enum.GetValues<L>().Where(c => c != L.None).ToArray();

    [Fact]
    public void EveryOneOfThe158LayerTypesHasAKind()
    {
        Assert.Equal(158, AllCases.Length);
        Assert.All(AllCases, c => Assert.True(NeuralNetworkLayerKinds.Table.ContainsKey(c), c.ToString()));
        Assert.All(NeuralNetworkLayerKinds.Table.Values, k => Assert.Matches("^[a-z][a-z0-9_]*$", k.Kind));
    }

    [Theory]
    [InlineData(L.Convolution, "convolution")]
    [InlineData(L.L2Normalize, "l2normalize")]
    [InlineData(L.Mvn, "mvn")]
    [InlineData(L.Lrn, "lrn")]
    [InlineData(L.Gru, "gru")]
    [InlineData(L.UniDirectionalLSTM, "uniDirectionalLSTM")]
    [InlineData(L.NonMaximumSuppression, "NonMaximumSuppression")]
    [InlineData(L.BatchedMatmul, "batchedMatmul")]
    [InlineData(L.ClampedReLU, "clampedReLU")]
    [InlineData(L.Pooling3D, "pooling3d")]
    [InlineData(L.Convolution3D, "convolution3d")]
    [InlineData(L.GlobalPooling3D, "globalPooling3d")]
    [InlineData(L.FlattenTo2D, "flattenTo2D")]
    [InlineData(L.AddBroadcastable, "addBroadcastable")]
    public void SourceNamesAreTheFormatsFieldNames(L layerCase, string expected) =>
        Assert.Equal(expected, NeuralNetworkLayerKinds.SourceName(layerCase));

    [Fact]
    public void SourceNamesAreDistinctAndStartLowercaseExceptNms()
    {
        var names = AllCases.Select(NeuralNetworkLayerKinds.SourceName).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names.Where(n => n != "NonMaximumSuppression"), n => Assert.True(char.IsLower(n[0]), n));
    }

    [Fact]
    public void BroadcastableAndNdLayersAreMarked()
    {
        foreach (var c in AllCases)
        {
            var name = NeuralNetworkLayerKinds.SourceName(c);
            var expected = name.EndsWith("Broadcastable", StringComparison.Ordinal) || name.EndsWith("ND", StringComparison.Ordinal);
            Assert.True(expected == NeuralNetworkLayerKinds.Table[c].Broadcastable, name);
        }
    }

    private static string KindOf(Action<NeuralNetworkLayer> set)
    {
        var layer = new NeuralNetworkLayer();
        set(layer);
        return NeuralNetworkLayerKinds.Table[layer.LayerCase].KindOf(layer);
    }

    [Fact]
    public void ParametersRefineTheKind()
    {
        Assert.Equal("conv", KindOf(l => l.Convolution = new ConvolutionLayerParams()));
        Assert.Equal("conv_transpose", KindOf(l => l.Convolution = new ConvolutionLayerParams { IsDeconvolution = true }));
        Assert.Equal("max_pool", KindOf(l => l.Pooling = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.Max }));
        Assert.Equal("avg_pool", KindOf(l => l.Pooling = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.Average }));
        Assert.Equal("l2_pool", KindOf(l => l.Pooling = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.L2 }));
        Assert.Equal("relu", KindOf(l => l.Activation = new ActivationParams { ReLU = new ActivationReLU() }));
        Assert.Equal("linear_activation", KindOf(l => l.Activation = new ActivationParams { Linear = new ActivationLinear() }));
        Assert.Equal("prelu", KindOf(l => l.Activation = new ActivationParams { PReLU = new ActivationPReLU() }));
        Assert.Equal("elu", KindOf(l => l.Activation = new ActivationParams { ELU = new ActivationELU() }));
        Assert.Equal("sigmoid_hard", KindOf(l => l.Activation = new ActivationParams { SigmoidHard = new ActivationSigmoidHard() }));
        Assert.Equal("scaled_tanh", KindOf(l => l.Activation = new ActivationParams { ScaledTanh = new ActivationScaledTanh() }));
        Assert.Equal("thresholded_relu", KindOf(l => l.Activation = new ActivationParams { ThresholdedReLU = new ActivationThresholdedReLU() }));
        Assert.Equal("softplus_parametric", KindOf(l => l.Activation = new ActivationParams { ParametricSoftplus = new ActivationParametricSoftplus() }));
        Assert.Equal("leaky_relu", KindOf(l => l.Activation = new ActivationParams { LeakyReLU = new ActivationLeakyReLU() }));
        Assert.Equal("softsign", KindOf(l => l.Activation = new ActivationParams { Softsign = new ActivationSoftsign() }));
        Assert.Equal("pow", KindOf(l => l.Unary = new UnaryFunctionLayerParams { Type = UnaryFunctionLayerParams.Types.Operation.Power }));
        Assert.Equal("rsqrt", KindOf(l => l.Unary = new UnaryFunctionLayerParams { Type = UnaryFunctionLayerParams.Types.Operation.Rsqrt }));
        Assert.Equal("threshold", KindOf(l => l.Unary = new UnaryFunctionLayerParams { Type = UnaryFunctionLayerParams.Types.Operation.Threshold }));
        Assert.Equal("reduce_mean", KindOf(l => l.Reduce = new ReduceLayerParams { Mode = ReduceLayerParams.Types.ReduceOperation.Avg }));
        Assert.Equal("reduce_argmax", KindOf(l => l.Reduce = new ReduceLayerParams { Mode = ReduceLayerParams.Types.ReduceOperation.Argmax }));
        Assert.Equal("linear", KindOf(l => l.InnerProduct = new InnerProductLayerParams()));
        Assert.Equal("matmul", KindOf(l => l.BatchedMatmul = new BatchedMatMulLayerParams()));
        Assert.Equal("embedding", KindOf(l => l.Embedding = new EmbeddingLayerParams()));
        Assert.Equal("embedding", KindOf(l => l.EmbeddingND = new EmbeddingNDLayerParams()));
        Assert.Equal("add", KindOf(l => l.AddBroadcastable = new AddBroadcastableLayerParams()));
        Assert.Equal("mul", KindOf(l => l.MultiplyBroadcastable = new MultiplyBroadcastableLayerParams()));
        Assert.Equal("custom", KindOf(l => l.Custom = new CustomLayerParams()));
    }

    [Fact]
    public void DecodedOpsCarryKindSourceBroadcastableAndCustomClass()
    {
        var network = NnBuild.Network(NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping,
            NnBuild.Layer("sum", new[] { "a", "b" }, new[] { "s" }, l => l.AddBroadcastable = new AddBroadcastableLayerParams()),
            NnBuild.Layer("swish", "s", "y", l => l.Custom = new CustomLayerParams { ClassName = "Swish" }),
            NnBuild.Layer("nms", new[] { "y" }, new[] { "boxes" }, l => l.NonMaximumSuppression = new NonMaximumSuppressionLayerParams()));
        var f = NnBuild.Decode(network, NnBuild.Array("a", 2, 3), NnBuild.Array("b", 3));
        var ops = f.Body.Ops;
        Assert.Equal(new[] { "addBroadcastable", "custom", "NonMaximumSuppression" }, ops.Select(o => o.Source));
        Assert.Equal(new[] { "add", "custom", "non_maximum_suppression" }, ops.Select(o => o.Kind));
        Assert.True(ops[0].AttrBool(Attr.Broadcastable));
        Assert.False(ops[1].AttrBool(Attr.Broadcastable));
        Assert.Equal("Swish", ops[1].Attr<string>(Attr.CustomClass));
        Assert.Equal(new[] { "a", "b" }, ops[0].Input(NeuralNetworkDecoder.InputsParameter)!.Arguments.Select(a => a.Name));
        Assert.Equal("sum", ops[0].Name);
    }
}
