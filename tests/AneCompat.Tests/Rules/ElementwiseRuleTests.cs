using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Support.GraphBuilder;

namespace AneCompat.Tests.Rules;

public class ElementwiseRuleTests
{
    [Fact]
    public void ChannelBroadcastBetweenRuntimeTensorsInNeuralNetwork()
    {
        var f = Run(o => o.In("x", "a", F16(1, 8, 16, 16)).In("y", "b", F16(1, 8, 1, 1)).Out("z", F16(1, 8, 16, 16)),
            "EW-BCAST-CHANNEL", source: "multiply", kind: "mul", family: ModelFamily.NeuralNetwork);
        Assert.Equal(Effect.OpToCpu, Assert.Single(f).Effect);
        Assert.Contains("1×8×1×1", f[0].Message);
    }

    [Fact]
    public void SameShapeOrConstantOperandDoesNotBroadcast()
    {
        Assert.Empty(Run(o => o.In("x", "a", F16(1, 8, 16, 16)).In("y", "b", F16(1, 8, 16, 16)).Out("z", F16(1, 8, 16, 16)),
            "EW-BCAST-CHANNEL", source: "multiply", kind: "mul", family: ModelFamily.NeuralNetwork));
        Assert.Empty(Run(o => o.In("x", "a", F16(1, 8, 16, 16)).Const("y", F16(1, 8, 1, 1)).Out("z", F16(1, 8, 16, 16)),
            "EW-BCAST-CHANNEL", source: "mul"));
    }

    [Fact]
    public void MilBroadcastIsUnknownNotConfident()
    {
        var f = Run(o => o.In("x", "a", F16(1, 8, 16, 16)).In("y", "b", F16(1, 8, 1, 1)).Out("z", F16(1, 8, 16, 16)), "EW-BCAST-CHANNEL", source: "add");
        Assert.Equal(Effect.Unknown, Assert.Single(f).Effect);
        Assert.Contains("open question 6", f[0].Message);
    }

    [Theory]
    [InlineData(new long[] { 1, 2, 1, 1 }, false)]
    [InlineData(new long[] { 1, 8, 1, 1 }, false)]
    [InlineData(new long[] { 1, 5, 1, 1 }, true)]
    public void TileFactors(long[] reps, bool flagged)
    {
        var f = Run(o => o.In("x", "x", F16(1, 8, 4, 4)).Const("reps", I32(4), ints: reps).Out("y", F16(1, 8, 4, 4)), "TILE-SPACE", source: "tile");
        Assert.Equal(flagged, f.Count == 1);
        if (flagged) Assert.Equal(Effect.CompileFail, f[0].Effect);
    }

    [Fact]
    public void BatchToSpaceBatchMustDivideByBlockProduct()
    {
        Assert.Single(Run(o => o.In("x", "x", F16(6, 8, 4, 4)).Const("block_shape", I32(2), ints: new long[] { 2, 2 }).Out("y", F16(1, 8, 8, 8)), "TILE-SPACE", source: "batch_to_space"));
        Assert.Empty(Run(o => o.In("x", "x", F16(8, 8, 4, 4)).Const("block_shape", I32(2), ints: new long[] { 2, 2 }).Out("y", F16(2, 8, 8, 8)), "TILE-SPACE", source: "batch_to_space"));
    }

    [Theory]
    [InlineData("logical_and", "EW-UNSUPPORTED")]
    [InlineData("mod", "EW-UNSUPPORTED")]
    [InlineData("cumsum", "CUMSUM")]
    [InlineData("band_part", "ATTN-MASK-BANDPART")]
    [InlineData("topk", "TOPK-SORT")]
    [InlineData("reduce_argmax", "ARGMAX")]
    [InlineData("while_loop", "CF")]
    [InlineData("lstm", "RNN")]
    [InlineData("random_normal", "RANDOM")]
    [InlineData("non_maximum_suppression", "NMS")]
    [InlineData("one_hot", "MISC-UNSUPPORTED")]
    [InlineData("scatter_nd", "SCATTER")]
    [InlineData("gather_along_axis", "GATHER-AXIS-ND")]
    public void TableRulesNameTheirFactBaseId(string source, string rule)
    {
        var f = Run(o => o.In("x", "x", F16(1, 8)).Out("y", F16(1, 8)), rule, source: source);
        Assert.True(Assert.Single(f).BlocksAne);
    }

    [Fact]
    public void UnknownOpTypeGetsAnExplicitFinding()
    {
        var f = Run(o => o.In("x", "x", F16(1, 8)).Out("y", F16(1, 8)), "OP-UNKNOWN", source: "frobnicate");
        Assert.Equal(Effect.Unknown, Assert.Single(f).Effect);
        Assert.Contains("frobnicate", f[0].Message);
    }

    [Fact]
    public void OpsetQualifiedAndCamelCasedNamesResolve()
    {
        Assert.Empty(Run(o => o.In("x", "x", F16(1, 8)).Out("y", F16(1, 8)), "OP-UNKNOWN", source: "ios17.relu"));
        Assert.Single(Run(o => o.In("x", "x", F16(1, 8)).Out("y", I32(1)), "ARGMAX", source: "Ios16.reduceArgmax"));
    }

    [Fact]
    public void StatusWithoutRuleUsesOpTable()
    {
        var f = Run(o => o.In("x", "x", F16(1, 8, 4, 4)).Out("y", F16(1, 8, 2, 2)), "OP-TABLE", source: "l2_pool");
        Assert.Equal(Effect.Unknown, Assert.Single(f).Effect);
        Assert.Contains("AF-CAT", f[0].Sources);
    }
}
