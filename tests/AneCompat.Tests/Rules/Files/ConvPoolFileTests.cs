using AneCompat.Building;
using AneCompat.Rules;
using AneCompat.Schema.Mil;
using static AneCompat.Tests.Rules.Files.RealFile;
using PoolingType = AneCompat.Schema.PoolingLayerParams.Types.PoolingType;
using UpsampleMode = AneCompat.Schema.UpsampleLayerParams.Types.InterpolationMode;

namespace AneCompat.Tests.Rules.Files;

/// <summary>Conv, pooling, upsample and LRN rules on NeuralNetwork .mlmodel and ML program .mlpackage files.</summary>
public class ConvPoolFileTests
{
    private static NeuralNetworkModelBuilder Net(long c = 8, long h = 32, long w = 32) =>
        new NeuralNetworkModelBuilder().MultiArrayInput("x", [c, h, w]);

    private static AneCompat.Graph.ModelGraph NnConv(ulong kh = 3, ulong kw = 3, ulong sh = 1, ulong sw = 1, ulong d = 1, bool deconvolution = false) =>
        Nn(Net().Convolution("conv", "x", "y", outputChannels: 8, kernelChannels: 8, kernelHeight: kh, kernelWidth: kw,
                strideHeight: sh, strideWidth: sw, dilationHeight: d, dilationWidth: d, deconvolution: deconvolution)
            .MultiArrayOutput("y", [8, 16, 16]));

    /// <summary>MIL conv with an fp16 weight blob [8, 8, kH, kW] on x [1, 8, 32, 32].</summary>
    private static AneCompat.Graph.ModelGraph MilConv(long kh, long kw, int stride = 1, int dilation = 1) => Program(f => f
        .Input("x", F16(1, 8, 32, 32))
        .ConstBlob("w", DataType.Float16, [8, 8, kh, kw])
        .Op("conv", new MilInputs
        {
            ["x"] = "x", ["weight"] = "w", ["strides"] = MilValues.Int32s(stride, stride), ["pad_type"] = MilValues.String("valid"),
            ["dilations"] = MilValues.Int32s(dilation, dilation), ["groups"] = MilValues.Int32(1),
        }, "y", F16(1, 8, 32 - (kh - 1) * dilation, 32 - (kw - 1) * dilation))
        .Output("y"));

    [Theory]
    [InlineData(13UL, "M3", false)]
    [InlineData(14UL, "M3", true)]
    [InlineData(14UL, "M4", false)]
    [InlineData(15UL, "M4", false)]
    [InlineData(16UL, "M4", true)]
    public void ConvKernelWidth_nn(ulong kw, string chip, bool fires)
    {
        var g = NnConv(kh: 3, kw: kw);
        if (fires) Assert.Equal(Effect.OpToCpu, Fires(g, "CONV-KW", chip, $"3×{kw}").Effect);
        else Silent(g, "CONV-KW", chip);
    }

    [Theory]
    [InlineData(13L, "M3", false)]
    [InlineData(14L, "M3", true)]
    [InlineData(15L, "M4", false)]
    [InlineData(16L, "M4", true)]
    public void ConvKernelWidth_mlprogram(long kw, string chip, bool fires)
    {
        var g = MilConv(3, kw);
        if (fires) Fires(g, "CONV-KW", chip, $"3×{kw}");
        else Silent(g, "CONV-KW", chip);
    }

    [Fact]
    public void ConvKernelHeightIsNotCapped_nn() => Silent(NnConv(kh: 16, kw: 3), "CONV-KW", "M3");

    [Fact]
    public void DeconvolutionKernelWidth_nn()
    {
        Fires(NnConv(kh: 3, kw: 14, deconvolution: true), "CONV-KW", "M3", "3×14");
        Silent(NnConv(kh: 3, kw: 13, deconvolution: true), "CONV-KW", "M3");
    }

    [Theory]
    [InlineData(1UL, "M1", null)]
    [InlineData(2UL, "M1", Effect.Unknown)]
    [InlineData(7UL, "M1", Effect.OpToCpu)]  // dilated extent 15 > 13
    [InlineData(2UL, "A12", Effect.OpToCpu)] // legacy generation
    public void ConvDilation_nn(ulong d, string chip, Effect? effect)
    {
        var g = NnConv(d: d);
        if (effect is null) Silent(g, "CONV-DILATION", chip);
        else Assert.Equal(effect, Fires(g, "CONV-DILATION", chip, $"dilation {d}×{d}").Effect);
    }

    [Fact]
    public void ConvDilation_mlprogram()
    {
        Silent(MilConv(3, 3, dilation: 1), "CONV-DILATION", "M1");
        Fires(MilConv(3, 3, dilation: 2), "CONV-DILATION", "M1", "dilation 2×2");
    }

    [Fact]
    public void ConvStride_nn()
    {
        Silent(NnConv(sh: 2, sw: 2), "CONV-STRIDE", "A17Pro");
        Assert.Equal(Effect.Slow, Fires(NnConv(sh: 5, sw: 5), "CONV-STRIDE", "A17Pro", "5×5").Effect);
    }

    [Fact]
    public void ConvStride_mlprogram()
    {
        Silent(MilConv(3, 3, stride: 2), "CONV-STRIDE", "A17Pro");
        Fires(MilConv(3, 3, stride: 3), "CONV-STRIDE", "A17Pro", "3×3");
    }

    [Fact]
    public void ConvWithRuntimeWeights_nn()
    {
        var g = Nn(new NeuralNetworkModelBuilder().SpecificationVersion(4)
            .MultiArrayInput("x", [8, 16, 16]).MultiArrayInput("w", [8, 8, 3, 3])
            .Convolution("conv", "x", "y", outputChannels: 8, kernelChannels: 8, weightsInput: "w", hasBias: false)
            .MultiArrayOutput("y", [8, 14, 14]));
        Fires(g, "CONV-DYN-WEIGHT", "A17Pro", "'conv'");
        Silent(NnConv(), "CONV-DYN-WEIGHT", "A17Pro");
    }

    [Fact]
    public void ConvWithRuntimeWeights_mlprogram()
    {
        var g = Program(f => f
            .Input("x", F16(1, 8, 16, 16)).Input("w", F16(8, 8, 3, 3))
            .Op("conv", new MilInputs { ["x"] = "x", ["weight"] = "w", ["pad_type"] = MilValues.String("valid") }, "y", F16(1, 8, 14, 14))
            .Output("y"));
        Fires(g, "CONV-DYN-WEIGHT", "A17Pro", "'y'");
        Silent(MilConv(3, 3), "CONV-DYN-WEIGHT", "A17Pro");
    }

    private static AneCompat.Graph.ModelGraph NnPool(ulong k, ulong s, long hw = 64, PoolingType type = PoolingType.Max, ConvPadding? padding = null) =>
        Nn(Net(8, hw, hw).Pooling("pool", "x", "y", type, kernelHeight: k, kernelWidth: k, strideHeight: s, strideWidth: s, padding: padding)
            .MultiArrayOutput("y", [8, 1, 1]));

    [Theory]
    [InlineData(13UL, false)]
    [InlineData(14UL, true)]
    [InlineData(15UL, true)]
    public void PoolingKernel_nn(ulong k, bool fires)
    {
        var g = NnPool(k, 1);
        if (fires) Fires(g, "POOL-KERNEL", "M1", $"{k}×{k}");
        else Silent(g, "POOL-KERNEL", "M1");
    }

    private static AneCompat.Graph.ModelGraph MilPool(int k, int s, long hw = 64, string type = "max_pool") => Program(f => f
        .Input("x", F16(1, 8, hw, hw))
        .Op(type, new MilInputs
        {
            ["x"] = "x", ["kernel_sizes"] = MilValues.Int32s(k, k), ["strides"] = MilValues.Int32s(s, s),
            ["pad_type"] = MilValues.String("valid"), ["ceil_mode"] = MilValues.Bool(false),
        }, "y", F16(1, 8, (hw - k) / s + 1, (hw - k) / s + 1))
        .Output("y"));

    [Theory]
    [InlineData(13, false)]
    [InlineData(15, true)]
    public void PoolingKernel_mlprogram(int k, bool fires)
    {
        var g = MilPool(k, 1);
        if (fires) Fires(g, "POOL-KERNEL", "M1", $"{k}×{k}");
        else Silent(g, "POOL-KERNEL", "M1");
    }

    [Fact]
    public void GlobalPoolingIsExemptFromKernelCap_nn()
    {
        var g = Nn(Net(8, 64, 64).GlobalPooling("gap", "x", "y").MultiArrayOutput("y", [8, 1, 1]));
        Silent(g, "POOL-KERNEL", "M1");
        Silent(g, "POOL-GLOBAL-VALID", "M1");
    }

    [Theory]
    [InlineData(2UL, "A17Pro", null)]
    [InlineData(4UL, "A17Pro", null)]
    [InlineData(3UL, "A17Pro", Effect.Slow)]
    [InlineData(4UL, "A12", Effect.OpToCpu)]
    [InlineData(2UL, "A12", null)]
    public void PoolingStride_nn(ulong s, string chip, Effect? effect)
    {
        var g = NnPool(2, s);
        if (effect is null) Silent(g, "POOL-STRIDE", chip);
        else Assert.Equal(effect, Fires(g, "POOL-STRIDE", chip, $"{s}×{s}").Effect);
    }

    [Fact]
    public void PoolingStride_mlprogram()
    {
        Silent(MilPool(2, 2), "POOL-STRIDE", "A17Pro");
        Fires(MilPool(3, 3), "POOL-STRIDE", "A17Pro", "3×3");
    }

    [Fact]
    public void GlobalPoolWrittenAsValidKernel_nn()
    {
        Fires(NnPool(8, 1, hw: 8, type: PoolingType.Average), "POOL-GLOBAL-VALID", "M1", "8×8");
        Silent(NnPool(8, 1, hw: 16, type: PoolingType.Average), "POOL-GLOBAL-VALID", "M1");
        Silent(NnPool(8, 1, hw: 8, type: PoolingType.Average, padding: ConvPadding.Same), "POOL-GLOBAL-VALID", "M1");
    }

    [Fact]
    public void GlobalPoolWrittenAsValidKernel_mlprogram()
    {
        // MIL has no global flag, so a whole-input VALID kernel is exactly the hand-made global pool the rule means.
        Fires(MilPool(8, 1, hw: 8, type: "avg_pool"), "POOL-GLOBAL-VALID", "M1", "8×8");
        Silent(MilPool(8, 1, hw: 16, type: "avg_pool"), "POOL-GLOBAL-VALID", "M1");
        Silent(MilPool(8, 1, hw: 8), "POOL-GLOBAL-VALID", "M1"); // the report concerns average pooling
    }

    private static AneCompat.Graph.ModelGraph NnUpsample(ulong s, UpsampleMode mode = UpsampleMode.Nn) =>
        Nn(Net(8, 8, 8).Upsample("up", "x", "y", s, s, mode).MultiArrayOutput("y", [8, 8 * (long)s, 8 * (long)s]));

    [Theory]
    [InlineData(2UL, "M1", null)]
    [InlineData(4UL, "M1", Effect.OpToCpu)]
    [InlineData(4UL, "M2", Effect.Unknown)]
    public void UpsampleScale_nn(ulong s, string chip, Effect? effect)
    {
        var g = NnUpsample(s);
        if (effect is null) Silent(g, "UPSAMPLE-SCALE", chip);
        else Assert.Equal(effect, Fires(g, "UPSAMPLE-SCALE", chip, $"{s}×{s}").Effect);
    }

    private static AneCompat.Graph.ModelGraph MilUpsample(float s) => Program(f => f
        .Input("x", F16(1, 8, 8, 8))
        .Op("upsample_nearest_neighbor", new MilInputs { ["x"] = "x", ["scale_factor_height"] = MilValues.Float32(s), ["scale_factor_width"] = MilValues.Float32(s) },
            "y", F16(1, 8, (long)(8 * s), (long)(8 * s)))
        .Output("y"));

    [Fact]
    public void UpsampleScale_mlprogram()
    {
        Silent(MilUpsample(2), "UPSAMPLE-SCALE", "M1");
        Fires(MilUpsample(4), "UPSAMPLE-SCALE", "M1", "4×4");
    }

    private static AneCompat.Graph.ModelGraph NnLrn(ulong size) =>
        Nn(Net(32, 8, 8).Layer("lrn", "x", "y", l => l.Lrn = new AneCompat.Schema.LRNLayerParams { LocalSize = size, Alpha = 1e-4f, Beta = 0.75f, K = 1f })
            .MultiArrayOutput("y", [32, 8, 8]));

    [Fact]
    public void LrnLocalSize_nn()
    {
        Silent(NnLrn(15), "LRN-C15", "A17Pro");
        Fires(NnLrn(17), "LRN-C15", "A17Pro", "17");
    }

    [Fact]
    public void LrnLocalSize_mlprogram()
    {
        AneCompat.Graph.ModelGraph Lrn(int size) => Program(f => f
            .Input("x", F16(1, 32, 8, 8))
            .Op("local_response_norm", new MilInputs { ["x"] = "x", ["size"] = MilValues.Int32(size) }, "y", F16(1, 32, 8, 8))
            .Output("y"));
        Silent(Lrn(15), "LRN-C15", "A17Pro");
        Fires(Lrn(17), "LRN-C15", "A17Pro", "17");
    }
}
