using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using Google.Protobuf;
using static AneCompat.Tests.Decoders.NeuralNetwork.NnBuild;
using Mapping = AneCompat.Schema.NeuralNetworkMultiArrayShapeMapping;

namespace AneCompat.Tests.Decoders.NeuralNetwork;

public class NeuralNetworkWeightsAndAttributesTests
{
    private static Op Single(NeuralNetworkLayer layer, params FeatureInfo[] inputs) =>
        Assert.Single(Decode(Network(Mapping.Rank5ArrayMapping, layer), inputs.Length == 0 ? new[] { Array("x", 4) } : inputs).Body.Ops);

    [Fact]
    public void FloatWeightsCountFourBytesEach()
    {
        var op = Single(Layer("dense", "x", "y", l => l.InnerProduct = new InnerProductLayerParams
        {
            InputChannels = 4, OutputChannels = 3, HasBias = true, Weights = Floats(12), Bias = Floats(3),
        }));
        Assert.Equal(4 * (12 + 3), op.WeightBytes);
        Assert.Equal(4L, op.AttrLong(Attr.InChannels));
        Assert.Equal(3L, op.AttrLong(Attr.OutChannels));
        Assert.False(op.Attributes.ContainsKey(Attr.Quantization));
    }

    [Fact]
    public void ElidedAndHalfPrecisionPayloadsCountTheirBytes()
    {
        var op = Single(Layer("dense", "x", "y", l => l.InnerProduct = new InnerProductLayerParams
        {
            OutputChannels = 3,
            Weights = new WeightParams { AnecompatElidedBytes = 123_456, AnecompatElidedField = 2 },
            Bias = new WeightParams { Float16Value = ByteString.CopyFrom(new byte[6]) },
        }));
        Assert.Equal(123_456 + 6, op.WeightBytes);
    }

    [Fact]
    public void WeightsNestedInLstmAndCustomLayersAreFound()
    {
        LSTMWeightParams Gates() => new()
        {
            InputGateWeightMatrix = Floats(10), ForgetGateWeightMatrix = Floats(10),
            BlockInputWeightMatrix = Floats(10), OutputGateWeightMatrix = Floats(10), InputGateBiasVector = Floats(2),
        };
        var lstm = new BiDirectionalLSTMLayerParams();
        lstm.WeightParams.Add(Gates());
        lstm.WeightParams.Add(Gates());
        Assert.Equal(2 * 42 * 4, Single(Layer("lstm", "x", "y", l => l.BiDirectionalLSTM = lstm)).WeightBytes);

        var custom = new CustomLayerParams { ClassName = "C" };
        custom.Weights.Add(Floats(5));
        custom.Weights.Add(new WeightParams { RawValue = ByteString.CopyFrom(new byte[7]) });
        Assert.Equal(5 * 4 + 7, Single(Layer("custom", "x", "y", l => l.Custom = custom)).WeightBytes);
    }

    [Fact]
    public void QuantizedWeightsRecordSchemeAndBits()
    {
        var linear = new WeightParams
        {
            RawValue = ByteString.CopyFrom(new byte[24]),
            Quantization = new QuantizationParams { NumberOfBits = 8, LinearQuantization = new LinearQuantizationParams { Scale = { 0.1f } } },
        };
        var op = Single(Layer("dense", "x", "y", l => l.InnerProduct = new InnerProductLayerParams { OutputChannels = 6, Weights = linear }));
        Assert.Equal(24, op.WeightBytes);
        Assert.Equal("linear", op.Attr<string>(Attr.Quantization));
        Assert.Equal(8L, op.AttrLong(Attr.QuantizationBits));

        var lut = new WeightParams
        {
            AnecompatElidedBytes = 9,
            Quantization = new QuantizationParams { NumberOfBits = 4, LookupTableQuantization = new LookUpTableQuantizationParams { FloatValue = { 0, 1 } } },
        };
        var conv = new ConvolutionLayerParams { OutputChannels = 2, KernelChannels = 4, Weights = lut };
        op = Single(Layer("conv", "x", "y", l => l.Convolution = conv));
        Assert.Equal(9, op.WeightBytes);
        Assert.Equal("lut", op.Attr<string>(Attr.Quantization));
        Assert.Equal(4L, op.AttrLong(Attr.QuantizationBits));
    }

    [Fact]
    public void ConvolutionAttributes()
    {
        var conv = new ConvolutionLayerParams { OutputChannels = 32, KernelChannels = 8, NGroups = 2, Valid = new ValidPadding { PaddingAmounts = Borders(1, 2, 3, 4) } };
        conv.KernelSize.AddRange(new ulong[] { 3, 5 });
        conv.Stride.AddRange(new ulong[] { 2, 1 });
        conv.DilationFactor.AddRange(new ulong[] { 1, 2 });
        var op = Single(Layer("conv", "x", "y", l => l.Convolution = conv), Array("x", 16, 20, 20));
        Assert.Equal(new long[] { 3, 5 }, op.AttrLongs(Attr.Kernel));
        Assert.Equal(new long[] { 2, 1 }, op.AttrLongs(Attr.Strides));
        Assert.Equal(new long[] { 1, 2 }, op.AttrLongs(Attr.Dilations));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, op.AttrLongs(Attr.Pad));
        Assert.Equal("valid", op.Attr<string>(Attr.PadType));
        Assert.Equal(2L, op.AttrLong(Attr.Groups));
        Assert.Equal(16L, op.AttrLong(Attr.InChannels));
        Assert.Equal(32L, op.AttrLong(Attr.OutChannels));
        Assert.False(op.AttrBool(Attr.DynamicWeights));

        var dynamic = Single(Layer("conv", new[] { "x", "w" }, new[] { "y" }, l => l.Convolution = new ConvolutionLayerParams { Same = new SamePadding() }),
            Array("x", 16, 20, 20), Array("w", 1));
        Assert.True(dynamic.AttrBool(Attr.DynamicWeights));
        Assert.Equal("same", dynamic.Attr<string>(Attr.PadType));
    }

    [Fact]
    public void PoolingUpsamplePaddingEmbeddingTopKAttributes()
    {
        var pool = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.Average, GlobalPooling = true, Same = new SamePadding() };
        pool.KernelSize.AddRange(new ulong[] { 2, 2 });
        pool.Stride.AddRange(new ulong[] { 2, 2 });
        var op = Single(Layer("pool", "x", "y", l => l.Pooling = pool), Array("x", 3, 8, 8));
        Assert.Equal("avg_pool", op.Kind);
        Assert.True(op.AttrBool(Attr.Global));
        Assert.Equal("same", op.Attr<string>(Attr.PadType));
        Assert.Equal(new long[] { 2, 2 }, op.AttrLongs(Attr.Kernel));
        Assert.Equal(TensorShape.Of(1, 3, 1, 1), op.Outputs[0].Type.Shape);

        var up = new UpsampleLayerParams { Mode = UpsampleLayerParams.Types.InterpolationMode.Bilinear };
        up.ScalingFactor.AddRange(new ulong[] { 2, 4 });
        op = Single(Layer("up", "x", "y", l => l.Upsample = up));
        Assert.Equal(new[] { 2.0, 4.0 }, op.AttrDoubles(Attr.Scale));
        Assert.Equal("bilinear", op.Attr<string>(Attr.Mode));
        Assert.Equal("upsample_bilinear", op.Kind);

        op = Single(Layer("pad", "x", "y", l => l.Padding = new PaddingLayerParams { Replication = new PaddingLayerParams.Types.PaddingReplication() }));
        Assert.Equal("replicate", op.Attr<string>(Attr.PadMode));
        Assert.Equal("pad", op.Kind);

        op = Single(Layer("embed", "x", "y", l => l.Embedding = new EmbeddingLayerParams { InputDim = 1000, OutputChannels = 64, Weights = Floats(8) }), Array("x", 1));
        Assert.Equal(1000L, op.AttrLong(Attr.VocabSize));
        Assert.Equal(TensorShape.Of(1, 64, 1, 1), op.Outputs[0].Type.Shape);

        var topk = Assert.Single(Decode(Network(Mapping.ExactArrayMapping,
            Layer("topk", new[] { "x" }, new[] { "v", "i" }, l => l.TopK = new TopKLayerParams { Axis = -1, K = 3 })), Array("x", 2, 10)).Body.Ops);
        Assert.Equal(3L, topk.AttrLong(Attr.K));
        Assert.All(topk.Outputs, o => Assert.Equal(TensorShape.Of(2, 3), o.Type.Shape));

        op = Single(Layer("act", "x", "y", l => l.Activation = new ActivationParams { LeakyReLU = new ActivationLeakyReLU { Alpha = 0.25f } }));
        Assert.Equal("leakyReLU", op.Attr<string>(Attr.SubType));
        Assert.Equal(0.25, op.AttrDouble(Attr.Alpha));
        op = Single(Layer("unary", "x", "y", l => l.Unary = new UnaryFunctionLayerParams { Type = UnaryFunctionLayerParams.Types.Operation.Power, Alpha = 2 }));
        Assert.Equal("POWER", op.Attr<string>(Attr.SubType));
    }
}

public class NeuralNetworkHostileTests
{
    private static Schema.NeuralNetwork Nest(int depth, Func<Schema.NeuralNetwork, NeuralNetworkLayer> wrap)
    {
        var network = new Schema.NeuralNetwork();
        network.Layers.Add(Layer("leaf", "x", "y", l => l.Copy = new CopyLayerParams()));
        for (var i = 0; i < depth; i++)
        {
            var outer = new Schema.NeuralNetwork();
            outer.Layers.Add(wrap(network));
            network = outer;
        }
        return network;
    }

    [Fact]
    public void LoopNestingBombIsAReadErrorNotAStackOverflow()
    {
        var bomb = Nest(100_000, body => Layer("loop", "x", "y", l => l.Loop = new LoopLayerParams { BodyNetwork = body }));
        var e = Assert.Throws<ModelReadException>(() => Decode(bomb, Array("x", 1)));
        Assert.Contains("nesting", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void BranchNestingBombIsAReadError()
    {
        var bomb = Nest(5_000, body => Layer("branch", "x", "y", l => l.Branch = new BranchLayerParams { IfBranch = body, ElseBranch = body }));
        Assert.Throws<ModelReadException>(() => Decode(bomb, Array("x", 1)));
    }

    [Fact]
    public void NestingWithinTheLimitIsDecodedAndCounted()
    {
        var nested = Nest(Limits.MaxProtobufDepth, body => Layer("loop", "x", "y", l => l.Loop = new LoopLayerParams { BodyNetwork = body }));
        var f = Decode(nested, Array("x", 1));
        var count = 0;
        var block = f.Body;
        while (true)
        {
            var op = Assert.Single(block.Ops);
            count++;
            if (op.Blocks.Count == 0) break;
            block = Assert.Single(op.Blocks);
        }
        Assert.Equal(Limits.MaxProtobufDepth + 1, count);
    }
}
