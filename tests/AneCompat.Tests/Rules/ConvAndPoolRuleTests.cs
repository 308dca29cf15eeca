using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Support.GraphBuilder;

namespace AneCompat.Tests.Rules;

public class ConvAndPoolRuleTests
{
    private static List<Finding> Conv(string rule, string chip, params (string Name, object Value)[] attrs) =>
        Run(o =>
        {
            o.In("x", "x", F16(1, 8, 64, 64)).Out("y", F16(1, 8, 64, 64));
            foreach (var (n, v) in attrs) o.Attr(n, v);
        }, rule, chip);

    [Theory]
    [InlineData(13, "M1", false)]
    [InlineData(14, "M1", true)]
    [InlineData(14, "M3", true)]
    [InlineData(14, "M4", false)] // kW 15 allowed from h16
    [InlineData(15, "M4", false)]
    [InlineData(16, "M4", true)]
    public void ConvKernelWidthDependsOnGeneration(long kw, string chip, bool flagged)
    {
        var f = Conv("CONV-KW", chip, (Attr.Kernel, new long[] { 3, kw }));
        Assert.Equal(flagged, f.Count == 1);
        if (flagged)
        {
            Assert.Equal(Effect.OpToCpu, f[0].Effect);
            Assert.Contains($"3×{kw}", f[0].Message);
            Assert.Contains("disputed", f[0].Message);
        }
    }

    [Fact]
    public void ConvKernelHeightIsNotLimited() => Assert.Empty(Conv("CONV-KW", "M1", (Attr.Kernel, new long[] { 16, 3 })));

    [Fact]
    public void ConvKernelWidthReadFromMilWeightShape()
    {
        var f = Run(o => o.In("x", "x", F16(1, 8, 64, 64)).Const("weight", F16(8, 8, 3, 14)).Out("y", F16(1, 8, 64, 51)), "CONV-KW", "M1");
        Assert.Single(f);
    }

    [Theory]
    [InlineData(1L, "M1", null)]
    [InlineData(2L, "M1", Effect.Unknown)]   // extent 5 ≤ 13: disputed
    [InlineData(7L, "M1", Effect.OpToCpu)]   // extent 15 > 13: inferred
    [InlineData(7L, "M4", Effect.Unknown)]   // extent 15 ≤ 15 on h16
    [InlineData(2L, "A12", Effect.OpToCpu)]  // legacy generation: reported unsupported
    public void ConvDilation(long d, string chip, Effect? expected)
    {
        var f = Conv("CONV-DILATION", chip, (Attr.Kernel, new long[] { 3, 3 }), (Attr.Dilations, new[] { d, d }));
        Assert.Equal(expected, f.SingleOrDefault()?.Effect);
    }

    [Theory]
    [InlineData(new long[] { 1, 1 }, false)]
    [InlineData(new long[] { 2, 2 }, false)]
    [InlineData(new long[] { 4, 4 }, false)]
    [InlineData(new long[] { 3, 3 }, true)]   // equal 3 not in Apple's list
    [InlineData(new long[] { 5, 5 }, true)]   // prime factor 5
    [InlineData(new long[] { 2, 9 }, false)]
    [InlineData(new long[] { 2, 6 }, true)]
    [InlineData(new long[] { 3, 4 }, true)]   // unequal large
    public void ConvStride(long[] strides, bool flagged)
    {
        var f = Conv("CONV-STRIDE", "A17Pro", (Attr.Strides, strides));
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.Equal(Effect.Slow, f[0].Effect);
    }

    [Fact]
    public void PalettizedConvWantsStrideAtMostTwo()
    {
        Assert.Single(Conv("CONV-STRIDE", "A17Pro", (Attr.Strides, new long[] { 4, 4 }), (Attr.Quantization, "lut")));
        Assert.Empty(Conv("CONV-STRIDE", "A17Pro", (Attr.Strides, new long[] { 2, 2 }), (Attr.Quantization, "lut")));
    }

    [Fact]
    public void ConvWithRuntimeWeightIsUnknown()
    {
        var f = Run(o => o.In("x", "x", F16(1, 8, 8, 8)).In("weight", "w", F16(8, 8, 3, 3)).Out("y", F16(1, 8, 6, 6)), "CONV-DYN-WEIGHT");
        Assert.Equal(Effect.Unknown, Assert.Single(f).Effect);
        Assert.Empty(Run(o => o.In("x", "x", F16(1, 8, 8, 8)).Const("weight", F16(8, 8, 3, 3)).Out("y", F16(1, 8, 6, 6)), "CONV-DYN-WEIGHT"));
    }

    [Fact]
    public void Conv3dIsUnknown()
    {
        Assert.Equal(Effect.Unknown, Assert.Single(Conv("CONV-3D", "M4", (Attr.Kernel, new long[] { 3, 3, 3 }))).Effect);
        Assert.Empty(Conv("CONV-3D", "M4", (Attr.Kernel, new long[] { 3, 3 })));
    }

    private static List<Finding> Pool(string rule, string chip, long[] kernel, long[]? strides = null, bool global = false, string padType = "same", long hw = 64) =>
        Run(o =>
        {
            o.In("x", "x", F16(1, 8, hw, hw)).Out("y", F16(1, 8, 8, 8)).Attr(Attr.Kernel, kernel).Attr(Attr.PadType, padType);
            if (strides is not null) o.Attr(Attr.Strides, strides);
            if (global) o.Attr(Attr.Global, true);
        }, rule, chip, source: "avg_pool");

    [Theory]
    [InlineData(13, false)]
    [InlineData(15, true)]
    public void PoolingKernel(long k, bool flagged)
    {
        var f = Pool("POOL-KERNEL", "M1", new[] { k, k });
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.Contains("pooling kernel 15×15 exceeds 13 on M1 (H13)", f[0].Message);
    }

    [Fact]
    public void GlobalPoolingIsExemptFromTheKernelLimit() => Assert.Empty(Pool("POOL-KERNEL", "M1", new long[] { 64, 64 }, global: true));

    [Theory]
    [InlineData(2L, "A17Pro", null)]
    [InlineData(4L, "A17Pro", null)]
    [InlineData(3L, "A17Pro", Effect.Slow)]
    [InlineData(4L, "A12", Effect.OpToCpu)]
    [InlineData(2L, "A12", null)]
    public void PoolingStride(long s, string chip, Effect? expected) =>
        Assert.Equal(expected, Pool("POOL-STRIDE", chip, new long[] { 2, 2 }, new[] { s, s }).SingleOrDefault()?.Effect);

    [Fact]
    public void GlobalPoolWrittenAsValidKernel()
    {
        Assert.Single(Pool("POOL-GLOBAL-VALID", "M1", new long[] { 7, 7 }, padType: "valid", hw: 7));
        Assert.Empty(Pool("POOL-GLOBAL-VALID", "M1", new long[] { 7, 7 }, padType: "valid", hw: 14));
        Assert.Empty(Pool("POOL-GLOBAL-VALID", "M1", new long[] { 7, 7 }, padType: "valid", hw: 7, global: true));
    }

    [Theory]
    [InlineData(2.0, "M1", null)]
    [InlineData(4.0, "M1", Effect.OpToCpu)]
    [InlineData(4.0, "M2", Effect.Unknown)]
    public void UpsampleScale(double s, string chip, Effect? expected)
    {
        var f = Run(o => o.In("x", "x", F16(1, 8, 8, 8)).Out("y", F16(1, 8, 32, 32)).Attr(Attr.Scale, new[] { s, s }), "UPSAMPLE-SCALE", chip, source: "upsample_nearest_neighbor");
        Assert.Equal(expected, f.SingleOrDefault()?.Effect);
    }

    [Fact]
    public void UpsampleScaleFromMilParameters()
    {
        var f = Run(o => o.In("x", "x", F16(1, 8, 8, 8)).Const("scale_factor_height", F16(), floats: new[] { 3.0 }).Const("scale_factor_width", F16(), floats: new[] { 3.0 }).Out("y", F16(1, 8, 24, 24)),
            "UPSAMPLE-SCALE", "M1", source: "upsample_nearest_neighbor");
        Assert.Contains("3×3", Assert.Single(f).Message);
    }

    [Theory]
    [InlineData(15L, false)]
    [InlineData(17L, true)]
    public void LrnSize(long size, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("x", "x", F16(1, 32, 8, 8)).Const("size", I32(), ints: new[] { size }).Out("y", F16(1, 32, 8, 8)), "LRN-C15", source: "local_response_norm").Count == 1);
}
