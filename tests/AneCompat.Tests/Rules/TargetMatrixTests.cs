using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Support.GraphBuilder;

namespace AneCompat.Tests.Rules;

/// <summary>Generation-dependent rules change the verdict with the target, as ane-rules.md §4.4 lists.</summary>
public class TargetMatrixTests
{
    private static List<Finding> One(string source, string rule, string chip, Action<OpBuilder>? more = null) =>
        Run(o => { o.In("x", "x", F16(1, 8, 16, 16)).Out("y", F16(1, 8, 16, 16)); more?.Invoke(o); }, rule, chip, source: source);

    [Theory]
    [InlineData("affine", "M1", Effect.OpToCpu)]
    [InlineData("affine", "M2", null)]
    [InlineData("crop_resize", "M1", Effect.OpToCpu)]
    [InlineData("crop_resize", "M2", Effect.Unknown)]  // texture unit present, but one source says not implemented at all
    [InlineData("resample", "A14", Effect.OpToCpu)]
    [InlineData("resample", "A15", null)]
    [InlineData("resize_bilinear", "M1", Effect.Numeric)] // software path, different rounding
    [InlineData("resize_bilinear", "M2", null)]
    public void TextureOpsFromM2Class(string source, string chip, Effect? expected) =>
        Assert.Equal(expected, One(source, "RESIZE-TEXTURE", chip).SingleOrDefault()?.Effect);

    [Fact]
    public void ResampleWasObservedOnCpuOnEveryChip()
    {
        Assert.Single(One("resample", "RESAMPLE-CPU", "M1"));
        Assert.Single(One("resample", "RESAMPLE-CPU", "M4"));
    }

    [Theory]
    [InlineData("sin", "M2", true)]
    [InlineData("sin", "M3", false)]
    [InlineData("cos", "A15", true)]
    [InlineData("cos", "A16", false)]
    public void TrigFromM3Class(string source, string chip, bool blocked)
    {
        var f = One(source, "EW-TRIG", chip);
        Assert.Equal(blocked, f.Count == 1);
        if (blocked) Assert.True(f[0].BlocksAne);
    }

    [Fact]
    public void ConvKernelWidth14OnM3VersusM4()
    {
        var b = new GraphBuilder();
        b.Input("x", F16(1, 8, 32, 32));
        b.Op("conv").In("x", "x", F16(1, 8, 32, 32)).Attr(Attr.Kernel, new long[] { 3, 14 }).Out("y", F16(1, 8, 30, 19));
        Assert.True(b.Evaluate("M3").IsBlocked(0));
        Assert.False(b.Evaluate("M4").IsBlocked(0));
    }

    [Theory]
    [InlineData("reflect", "M1", true)]
    [InlineData("reflect", "M2", false)]
    [InlineData("constant", "M1", false)]
    public void PadModeFromM2Class(string mode, string chip, bool flagged) =>
        Assert.Equal(flagged, One("pad", "PAD-MODE", chip, o => o.Const("mode", T(ElementType.String), text: mode)).Count == 1);

    [Theory]
    [InlineData("A16", Effect.Slow)]
    [InlineData("A17Pro", null)]
    [InlineData("M4", null)]
    [InlineData("A19", Effect.Unknown)] // iPhone 17 Pro / iOS 26 report against Apple's docs
    public void ActivationQuantizationByGeneration(string chip, Effect? expected) =>
        Assert.Equal(expected, One("quantize", "Q-W8A8", chip).SingleOrDefault()?.Effect);

    [Theory]
    [InlineData("A12", true)]
    [InlineData("A13", true)]
    [InlineData("A14", false)]
    public void MlProgramOnA12A13IsUnknown(string chip, bool flagged)
    {
        var f = new GraphBuilder().Evaluate(chip).Findings.Where(x => x.RuleId == "FMT-MLPROGRAM").ToList();
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.Equal(Effect.Unknown, f[0].Effect);
    }

    [Theory]
    [InlineData("M3", 16384L, false)]
    [InlineData("M3", 16385L, true)]
    [InlineData("M4", 65536L, false)]
    [InlineData("M4", 65537L, true)]
    public void SpatialAxisCapRisesOnH16(string chip, long w, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("x", "x", F16(1, 8, 1, w)).Out("y", F16(1, 8, 1, w)), "DIM-AXIS-MAX", chip, source: "relu").Count == 1);
}
