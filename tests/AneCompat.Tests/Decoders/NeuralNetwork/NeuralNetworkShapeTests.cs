using AneCompat.Graph;
using AneCompat.Schema;
using static AneCompat.Tests.Decoders.NeuralNetwork.NnBuild;
using Mapping = AneCompat.Schema.NeuralNetworkMultiArrayShapeMapping;

namespace AneCompat.Tests.Decoders.NeuralNetwork;

/// <summary>Shapes of networks built in code, against values worked out by hand from the format's formulas.</summary>
public class NeuralNetworkShapeTests
{
    private static void Uint(Google.Protobuf.Collections.RepeatedField<ulong> field, params ulong[] values) => field.AddRange(values);

    [Fact]
    public void ConvPoolDenseSoftmaxChain()
    {
        var conv = new ConvolutionLayerParams { OutputChannels = 16, KernelChannels = 3, NGroups = 1, Valid = new ValidPadding { PaddingAmounts = Borders(1, 1, 2, 2) } };
        Uint(conv.KernelSize, 5, 5);
        Uint(conv.Stride, 2, 2);
        var pool = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.Max, IncludeLastPixel = new PoolingLayerParams.Types.ValidCompletePadding() };
        Uint(pool.KernelSize, 3, 3);
        Uint(pool.Stride, 2, 2);
        Uint(pool.IncludeLastPixel.PaddingAmounts, 0, 0);
        var samePool = new PoolingLayerParams { Type = PoolingLayerParams.Types.PoolingType.Average, Same = new SamePadding() };
        Uint(samePool.KernelSize, 3, 3);
        Uint(samePool.Stride, 2, 2);
        var network = Network(Mapping.Rank5ArrayMapping,
            Layer("conv", "image", "c", l => l.Convolution = conv),
            Layer("pool", "c", "p", l => l.Pooling = pool),
            Layer("pool2", "p", "p2", l => l.Pooling = samePool),
            Layer("flatten", "p2", "f", l => l.Flatten = new FlattenLayerParams()),
            Layer("dense", "f", "d", l => l.InnerProduct = new InnerProductLayerParams { InputChannels = 256, OutputChannels = 10 }),
            Layer("softmax", "d", "prob", l => l.Softmax = new SoftmaxLayerParams()));
        var f = Decode(network, Image("image", 3, 32, 32));

        Assert.Equal(TensorShape.Of(1, 3, 32, 32), f.Inputs[0].Type.Shape);
        // H: floor((32+1+1-5)/2)+1 = 15; W: floor((32+2+2-5)/2)+1 = 16.
        Assert.Equal(TensorShape.Of(1, 16, 15, 16), ShapeOf(f, "c"));
        // includeLastPixel, pad 0: H ceil((15-3)/2)+1 = 7, (7-1)·2 = 12 < 15 keeps 7; W ceil((16-3)/2)+1 = 8, 14 < 16 keeps 8.
        Assert.Equal(TensorShape.Of(1, 16, 7, 8), ShapeOf(f, "p"));
        // same: ceil(7/2) = 4, ceil(8/2) = 4.
        Assert.Equal(TensorShape.Of(1, 16, 4, 4), ShapeOf(f, "p2"));
        Assert.Equal(TensorShape.Of(1, 256, 1, 1), ShapeOf(f, "f"));
        Assert.Equal(TensorShape.Of(1, 10, 1, 1), ShapeOf(f, "d"));
        Assert.Equal(TensorShape.Of(1, 10, 1, 1), ShapeOf(f, "prob"));
        Assert.All(f.Body.Ops.SelectMany(o => o.Outputs), v => Assert.Equal(ElementType.Float32, v.Type.Element));
        Assert.Equal(TensorShape.Of(1, 16, 15, 16), f.Body.Ops[1].Inputs[0].Arguments[0].Type.Shape);
    }

    [Fact]
    public void IncludeLastPixelDropsAWindowStartingInThePadding()
    {
        // H = 4, kernel 2, stride 2, pad 1: ceil((4+2-2)/2)+1 = 3, (3-1)·2 = 4 < 4+1 keeps 3.
        // H = 5, kernel 3, stride 3, pad 1: ceil((5+2-3)/3)+1 = 3, (3-1)·3 = 6 >= 5+1 drops to 2.
        var pool = new PoolingLayerParams { IncludeLastPixel = new PoolingLayerParams.Types.ValidCompletePadding() };
        Uint(pool.KernelSize, 2, 3);
        Uint(pool.Stride, 2, 3);
        Uint(pool.IncludeLastPixel.PaddingAmounts, 1, 1);
        var f = Decode(Network(Mapping.Rank5ArrayMapping, Layer("pool", "x", "y", l => l.Pooling = pool)), Array("x", 2, 4, 5));
        Assert.Equal(TensorShape.Of(1, 2, 3, 2), ShapeOf(f, "y"));
    }

    [Fact]
    public void ConvolutionVariants()
    {
        ConvolutionLayerParams Conv(bool deconv, ulong stride, ulong dilation, bool same)
        {
            var c = new ConvolutionLayerParams { OutputChannels = 8, KernelChannels = 3, IsDeconvolution = deconv };
            Uint(c.KernelSize, 4, 3);
            Uint(c.Stride, stride, stride);
            Uint(c.DilationFactor, dilation, dilation);
            if (same) c.Same = new SamePadding();
            else c.Valid = new ValidPadding { PaddingAmounts = Borders(1, 1, 0, 0) };
            return c;
        }
        var withOutputShape = Conv(true, 2, 1, false);
        Uint(withOutputShape.OutputShape, 65, 63);
        var network = Network(Mapping.Rank5ArrayMapping,
            Layer("deconv", "x", "a", l => l.Convolution = Conv(true, 2, 1, false)),
            Layer("deconvSame", "x", "b", l => l.Convolution = Conv(true, 2, 1, true)),
            Layer("deconvShape", "x", "c", l => l.Convolution = withOutputShape),
            Layer("dilated", "x", "d", l => l.Convolution = Conv(false, 1, 2, false)),
            Layer("same", "x", "e", l => l.Convolution = Conv(false, 2, 1, true)));
        var f = Decode(network, Array("x", 3, 33, 31));
        // deconv valid: (H-1)·s + dilatedK - pads: H (33-1)·2+4-2 = 66, W (31-1)·2+3-0 = 63.
        Assert.Equal(TensorShape.Of(1, 8, 66, 63), ShapeOf(f, "a"));
        Assert.Equal(TensorShape.Of(1, 8, 66, 62), ShapeOf(f, "b"));
        Assert.Equal(TensorShape.Of(1, 8, 65, 63), ShapeOf(f, "c"));
        // dilation 2: kernel 4 → 7, kernel 3 → 5; H 33+2-7+1 = 29, W 31-5+1 = 27.
        Assert.Equal(TensorShape.Of(1, 8, 29, 27), ShapeOf(f, "d"));
        Assert.Equal(TensorShape.Of(1, 8, 17, 16), ShapeOf(f, "e"));
    }

    [Fact]
    public void UpsamplePaddingConcatReshapeFlattenPermute()
    {
        var up = new UpsampleLayerParams();
        Uint(up.ScalingFactor, 2, 3);
        var frac = new UpsampleLayerParams { Mode = UpsampleLayerParams.Types.InterpolationMode.Bilinear };
        frac.FractionalScalingFactor.AddRange(new[] { 1.5f, 2.5f });
        var reshape = new ReshapeLayerParams();
        reshape.TargetShape.AddRange(new long[] { 12, 10, 20 });
        var permute = new PermuteLayerParams();
        Uint(permute.Axis, 0, 2, 3, 1);
        var network = Network(Mapping.Rank5ArrayMapping,
            Layer("up", "x", "u", l => l.Upsample = up),
            Layer("frac", "x", "v", l => l.Upsample = frac),
            Layer("pad", "x", "p", l => l.Padding = new PaddingLayerParams { Reflection = new PaddingLayerParams.Types.PaddingReflection(), PaddingAmounts = Borders(1, 2, 3, 4) }),
            Layer("act", "x", "r", l => l.Activation = new ActivationParams { ReLU = new ActivationReLU() }),
            Layer("concat", new[] { "x", "r", "x" }, new[] { "cat" }, l => l.Concat = new ConcatLayerParams()),
            Layer("reshape", "cat", "rs", l => l.Reshape = reshape),
            Layer("flatten", "cat", "fl", l => l.Flatten = new FlattenLayerParams()),
            Layer("permute", "x", "pm", l => l.Permute = permute));
        var f = Decode(network, Array("x", 8, 10, 20));
        Assert.Equal(TensorShape.Of(1, 8, 10, 20), f.Inputs[0].Type.Shape);
        Assert.Equal(TensorShape.Of(1, 8, 20, 60), ShapeOf(f, "u"));
        Assert.Equal(TensorShape.Of(1, 8, 15, 50), ShapeOf(f, "v"));
        Assert.Equal(TensorShape.Of(1, 8, 13, 27), ShapeOf(f, "p"));
        Assert.Equal(TensorShape.Of(1, 24, 10, 20), ShapeOf(f, "cat"));
        Assert.Equal(TensorShape.Of(1, 12, 10, 20), ShapeOf(f, "rs"));
        Assert.Equal(TensorShape.Of(1, 4800, 1, 1), ShapeOf(f, "fl"));
        Assert.Equal(TensorShape.Of(1, 10, 20, 8), ShapeOf(f, "pm"));
    }

    [Fact]
    public void NdLayersUnderExactMapping()
    {
        var reshape = new ReshapeStaticLayerParams();
        reshape.TargetShape.AddRange(new long[] { 2, -1 });
        var transpose = new TransposeLayerParams();
        Uint(transpose.Axes, 2, 0, 1);
        var slice = new SliceStaticLayerParams();
        slice.BeginIds.AddRange(new long[] { 0, 1, -4 });
        slice.EndIds.AddRange(new long[] { 0, 5, 0 });
        slice.Strides.AddRange(new long[] { 1, 2, 1 });
        slice.BeginMasks.AddRange(new[] { true, false, false });
        slice.EndMasks.AddRange(new[] { true, false, true });
        slice.SqueezeMasks.AddRange(new[] { false, false, false });
        var expand = new ExpandDimsLayerParams();
        expand.Axes.AddRange(new long[] { 0, -1 });
        var squeeze = new SqueezeLayerParams();
        squeeze.Axes.Add(0);
        var network = Network(Mapping.ExactArrayMapping,
            Layer("reshape", "x", "rs", l => l.ReshapeStatic = reshape),
            Layer("transpose", "x", "tr", l => l.Transpose = transpose),
            Layer("concat", new[] { "x", "x" }, new[] { "cat" }, l => l.ConcatND = new ConcatNDLayerParams { Axis = -1 }),
            Layer("slice", "x", "sl", l => l.SliceStatic = slice),
            Layer("expand", "x", "ex", l => l.ExpandDims = expand),
            Layer("squeeze", "ex", "sq", l => l.Squeeze = squeeze),
            Layer("add", new[] { "x", "row" }, new[] { "sum" }, l => l.AddBroadcastable = new AddBroadcastableLayerParams()),
            Layer("softmax", "x", "sm", l => l.SoftmaxND = new SoftmaxNDLayerParams { Axis = -1 }),
            Layer("sum", "x", "rd", l => l.ReduceSum = new ReduceSumLayerParams { Axes = { 1 }, KeepDims = false }));
        var f = Decode(network, Array("x", 3, 6, 7), Array("row", 6, 1));
        Assert.Equal(TensorShape.Of(3, 6, 7), f.Inputs[0].Type.Shape);
        Assert.Equal(TensorShape.Of(2, 63), ShapeOf(f, "rs"));
        Assert.Equal(TensorShape.Of(7, 3, 6), ShapeOf(f, "tr"));
        Assert.Equal(TensorShape.Of(3, 6, 14), ShapeOf(f, "cat"));
        // axis 1: 1..5 step 2 → 2 elements; axis 2: -4 → 3 .. end → 4.
        Assert.Equal(TensorShape.Of(3, 2, 4), ShapeOf(f, "sl"));
        Assert.Equal(TensorShape.Of(1, 3, 6, 7, 1), ShapeOf(f, "ex"));
        Assert.Equal(TensorShape.Of(3, 6, 7, 1), ShapeOf(f, "sq"));
        Assert.Equal(TensorShape.Of(3, 6, 7), ShapeOf(f, "sum"));
        Assert.Equal(TensorShape.Of(3, 6, 7), ShapeOf(f, "sm"));
        Assert.Equal(TensorShape.Of(3, 7), ShapeOf(f, "rd"));
    }

    [Fact]
    public void InferenceStopsAtCustomLayersAndUnknownInputs()
    {
        var network = Network(Mapping.Rank5ArrayMapping,
            Layer("custom", "x", "c", l => l.Custom = new CustomLayerParams { ClassName = "Mystery" }),
            Layer("relu", "c", "r", l => l.Activation = new ActivationParams { ReLU = new ActivationReLU() }),
            Layer("dense", "missing", "d", l => l.InnerProduct = new InnerProductLayerParams { OutputChannels = 4 }));
        var f = Decode(network, Array("x", 3));
        Assert.Equal(TensorShape.Unknown, ShapeOf(f, "c"));
        Assert.Equal(TensorShape.Unknown, ShapeOf(f, "r"));
        Assert.Equal(TensorShape.Unknown, ShapeOf(f, "d"));
    }

    [Fact]
    public void FlexibleInputAxesTakeTheirDefaultSize()
    {
        var input = new FeatureInfo
        {
            Name = "x", Kind = FeatureKind.MultiArray, Element = ElementType.Float32, Shape = new long[] { 1, 3, 8 },
            Flexibility = ShapeFlexibility.Ranged, Ranges = new (long, long?)[] { (1, 1), (3, 3), (4, 16) },
        };
        var f = Decode(Network(Mapping.ExactArrayMapping, Layer("relu", "x", "r", l => l.Activation = new ActivationParams { ReLU = new ActivationReLU() })), input);
        // Core ML plans a flexible model at its default shape (ane-rules.md §4.8 item 2): the ranged axis is 8, not unknown.
        Assert.Equal(TensorShape.Of(1, 3, 8), ShapeOf(f, "r"));
        var noDefault = new FeatureInfo
        {
            Name = "x", Kind = FeatureKind.MultiArray, Element = ElementType.Float32, Shape = new long[] { 1, 3, 0 },
            Flexibility = ShapeFlexibility.Ranged, Ranges = new (long, long?)[] { (1, 1), (3, 3), (0, 16) },
        };
        var g = Decode(Network(Mapping.ExactArrayMapping, Layer("relu", "x", "r", l => l.Activation = new ActivationParams { ReLU = new ActivationReLU() })), noDefault);
        Assert.Equal(new TensorShape(new[] { Dim.Of(1), Dim.Of(3), Dim.Unknown }), ShapeOf(g, "r"));
    }

    [Fact]
    public void OutputTensorHintsAreUsed()
    {
        var layer = Layer("custom", "x", "c", l => l.Custom = new CustomLayerParams { ClassName = "Known" });
        layer.OutputTensor.Add(new Schema.Tensor { Rank = 3, DimValue = { 2, -1, 5 } });
        var f = Decode(Network(Mapping.ExactArrayMapping, layer), Array("x", 2, 4, 5));
        Assert.Equal(new TensorShape(new[] { Dim.Of(2), Dim.Unknown, Dim.Of(5) }), ShapeOf(f, "c"));
    }
}
