using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Support.GraphBuilder;

namespace AneCompat.Tests.Rules;

public class PrecisionRuleTests
{
    [Fact]
    public void Fp32MilOpIsOffTheAne()
    {
        var f = Run(o => o.In("x", "a", F32(1, 8)).Out("y", F32(1, 8)), "DTYPE-FP32", source: "relu");
        var op = Assert.Single(f, x => x.OpIndex == 0);
        Assert.Equal(Effect.OpToCpu, op.Effect);
        Assert.Equal(Confidence.A, op.Confidence);
        Assert.Empty(Run(o => o.In("x", "a", F16(1, 8)).Out("y", F16(1, 8)), "DTYPE-FP32", source: "relu"));
    }

    [Fact]
    public void Fp32DoesNotApplyToNeuralNetworks() =>
        Assert.Empty(Run(o => o.In("x", "a", F32(1, 8)).Out("y", F32(1, 8)), "DTYPE-FP32", source: "activation", family: ModelFamily.NeuralNetwork));

    [Fact]
    public void BoundaryCastsAreAbsorbedIntoIo()
    {
        var b = new GraphBuilder().Input("x", F32(1, 8));
        b.Op("cast").In("x", "x", F32(1, 8)).Out("x16", F16(1, 8));
        b.Op("relu").In("x", "x16", F16(1, 8)).Out("r", F16(1, 8));
        b.Op("cast").In("x", "r", F16(1, 8)).Out("out", F32(1, 8));
        b.Output("out");
        var a = b.Evaluate();
        Assert.DoesNotContain(a.Findings, f => f.RuleId == "DTYPE-FP32");
    }

    [Fact]
    public void WholeFp32ProgramIsAModelLevelGate()
    {
        var b = new GraphBuilder().Input("x", F32(1, 8));
        b.Op("relu").In("x", "x", F32(1, 8)).Out("r", F32(1, 8));
        b.Op("sigmoid").In("x", "r", F32(1, 8)).Out("s", F32(1, 8));
        var a = b.Evaluate();
        var model = Assert.Single(a.ModelLevel, f => f.RuleId == "DTYPE-FP32");
        Assert.Equal(Effect.ModelToCpuGpu, model.Effect);

        var mixed = new GraphBuilder().Input("x", F32(1, 8));
        mixed.Op("relu").In("x", "x", F32(1, 8)).Out("r", F32(1, 8));
        mixed.Op("sigmoid").In("x", "r", F16(1, 8)).Out("s", F16(1, 8));
        Assert.DoesNotContain(mixed.Evaluate().ModelLevel, f => f.RuleId == "DTYPE-FP32");
    }

    [Fact]
    public void Fp32ConstantMakesAnFp32IslandInAnFp16Program()
    {
        var b = new GraphBuilder().Input("x", F16(1, 8));
        b.Op("relu").In("x", "x", F16(1, 8)).Out("r", F16(1, 8));
        b.Op("add").In("x", "r32", F32(1, 8)).Const("y", F32(1, 8), floats: new[] { -1e4 }).Out("m", F32(1, 8));
        var a = b.Evaluate();
        Assert.Single(a.ForOp(1), f => f.RuleId == "DTYPE-FP32-LITERAL");
        Assert.DoesNotContain(a.ForOp(1), f => f.RuleId == "DTYPE-FP16-PASS"); // −1e4 is within fp16 range
    }

    [Theory]
    [InlineData(-1e9, true)]
    [InlineData(-65504.0, false)]
    [InlineData(-3.4e38, false)] // float32-min sentinel: saturated by coremltools
    public void Fp16PassKeepsOutOfRangeConstantsInFp32(double value, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("x", "a", F32(1, 8)).Const("y", F32(), floats: new[] { value }).Out("z", F32(1, 8)), "DTYPE-FP16-PASS", source: "add").Count == 1);

    [Fact]
    public void IntIndexMathIsOffTheAne()
    {
        Assert.Single(Run(o => o.In("x", "a", I32(4)).Const("y", I32(), ints: new long[] { 1 }).Out("z", I32(4)), "DTYPE-INT", source: "add"));
        Assert.Empty(Run(o => o.In("x", "a", T(ElementType.Int8, 4)).Out("z", T(ElementType.Int16, 4)), "DTYPE-INT", source: "add"));
    }

    [Fact]
    public void Bf16HasNoPath()
    {
        Assert.Equal(Effect.CompileFail, Assert.Single(Run(o => o.In("x", "a", T(ElementType.BFloat16, 4)).Out("z", T(ElementType.BFloat16, 4)), "DTYPE-BF16", source: "relu")).Effect);
        Assert.Empty(Run(o => o.In("x", "a", F16(4)).Out("z", F16(4)), "DTYPE-BF16", source: "relu"));
    }

    [Theory]
    [InlineData(double.NegativeInfinity, true)]
    [InlineData(-40000.0, false)]
    public void InfiniteMaskIsNumericNotPlacement(double value, bool flagged)
    {
        var f = Run(o => o.In("x", "a", F16(1, 8)).Const("y", F16(), floats: new[] { value }).Out("z", F16(1, 8)), "ATTN-MASK-INF", source: "add");
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.False(f[0].BlocksAne);
    }

    [Theory]
    [InlineData(1e5, true)]
    [InlineData(6e4, false)]
    public void NeuralNetworkConstantBeyondFp16Overflows(double value, bool flagged)
    {
        var f = Run(o => o.In("x", "a", F32(1, 8)).Const("y", F32(), floats: new[] { value }).Out("z", F32(1, 8)), "DTYPE-FP16-ONLY", source: "add", family: ModelFamily.NeuralNetwork);
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.Equal(Effect.Numeric, f[0].Effect);
    }

    [Theory]
    [InlineData(1e-12, true)]
    [InlineData(1e-7, false)]
    public void LayerNormEpsilon(double eps, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("x", "a", F16(1, 8, 1, 4)).Const("epsilon", F16(), floats: new[] { eps }).Out("z", F16(1, 8, 1, 4)), "NUM-LN-EPS", source: "layer_norm").Count == 1);
}
