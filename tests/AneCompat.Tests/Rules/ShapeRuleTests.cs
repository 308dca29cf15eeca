using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Support.GraphBuilder;

namespace AneCompat.Tests.Rules;

public class ShapeRuleTests
{
    [Theory]
    [InlineData(5, false)]
    [InlineData(6, true)]
    public void RankAboveFive(int rank, bool flagged)
    {
        var shape = Enumerable.Repeat(2L, rank).ToArray();
        Assert.Equal(flagged, Run(o => o.In("x", "a", F16(shape)).Out("y", F16(shape)), "RANK-MAX5", source: "relu").Count == 1);
    }

    [Theory]
    [InlineData(65536L, false)]
    [InlineData(65537L, true)]
    public void ChannelAxisCap(long c, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("x", "a", F16(1, c, 1, 1)).Out("y", F16(1, c, 1, 1)), "DIM-AXIS-MAX", "M1", source: "relu").Count == 1);

    [Theory]
    [InlineData("M3", 16384L, false)]
    [InlineData("M3", 16385L, true)]
    [InlineData("M4", 16385L, false)]
    public void ContractionDepth(string chip, long k, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("x", "a", F16(1, 4, k)).Const("weight", F16(8, k)).Out("y", F16(1, 4, 8)), "DIM-K-MAX", chip, source: "linear").Count == 1);

    [Theory]
    [InlineData("A17Pro", 16384L, null)]
    [InlineData("A17Pro", 50257L, Effect.OpToCpu)]
    [InlineData("A19", 50257L, Effect.Unknown)] // 262144-wide output ran on A19 Pro
    public void OutputBlobWidth(string chip, long width, Effect? expected) =>
        Assert.Equal(expected, Run(o => o.In("x", "a", F16(1, 4, 768)).Const("weight", F16(width, 768)).Out("y", F16(1, 4, width)), "DIM-OUTBLOB", chip, source: "linear").SingleOrDefault()?.Effect);

    [Theory]
    [InlineData(32768L, false)]
    [InlineData(50257L, true)]
    public void LookupRows(long vocab, bool flagged) =>
        Assert.Equal(flagged, Run(o => o.In("input", "ids", F32(1, 8)).Attr(Attr.VocabSize, vocab).Out("y", F32(1, 8, 64)),
            "DIM-LOOKUP-NB", source: "embedding", family: ModelFamily.NeuralNetwork).Count == 1);

    [Fact]
    public void GatherPredictsCpuAndNamesTheDispute()
    {
        var b = new GraphBuilder().Input("ids", I32(1, 8));
        b.Op("gather").Const("x", F16(1000, 64)).In("indices", "computed", I32(1, 8)).Out("y", F16(1, 8, 64));
        var f = Assert.Single(b.Evaluate().Findings, x => x.RuleId == "GATHER");
        Assert.Equal(Effect.OpToCpu, f.Effect);
        Assert.Contains("evidence conflicts", f.Message);
    }

    [Fact]
    public void GatherBestCaseIsUnknownNotSupported()
    {
        var b = new GraphBuilder().Input("ids", I32(1, 8));
        b.Op("gather").Const("x", F16(1000, 64)).In("indices", "ids", I32(1, 8)).Out("y", F16(1, 8, 64));
        var f = Assert.Single(b.Evaluate().Findings, x => x.RuleId == "GATHER");
        Assert.Equal(Effect.Unknown, f.Effect);
        Assert.Contains("1000 rows", f.Message);

        var big = new GraphBuilder().Input("ids", I32(1, 8));
        big.Op("gather").Const("x", F16(40000, 64)).In("indices", "ids", I32(1, 8)).Out("y", F16(1, 8, 64));
        Assert.Equal(Effect.OpToCpu, Assert.Single(big.Evaluate().Findings, x => x.RuleId == "GATHER").Effect);
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Rank3GatherNd(int rank, bool flagged)
    {
        var shape = Enumerable.Repeat(4L, rank).ToArray();
        Assert.Equal(flagged, Run(o => o.Const("x", F16(64, 4, 4, 4)).In("indices", "i", I32(4, 1)).Out("y", F16(shape)), "GATHER-AXIS-ND", "M4", source: "gather_nd").Count == 1);
    }

    [Fact]
    public void DynamicReshapeAndSlice()
    {
        Assert.Single(Run(o => o.In("x", "a", F16(1, 8)).In("shape", "s", I32(2)).Out("y", F16(2, 4)), "SHAPE-DYN-OP", source: "reshape"));
        Assert.Empty(Run(o => o.In("x", "a", F16(1, 8)).Const("shape", I32(2), ints: new long[] { 2, 4 }).Out("y", F16(2, 4)), "SHAPE-DYN-OP", source: "reshape"));
        Assert.Single(Run(o => o.In("x", "a", F16(1, 8)).In("begin", "b", I32(2)).Const("end", I32(2), ints: new long[] { 1, 4 }).Out("y", F16(1, 4)), "SLICE-DYN", source: "slice_by_index"));
        Assert.Empty(Run(o => o.In("x", "a", F16(1, 8)).Const("begin", I32(2), ints: new long[] { 0, 0 }).Const("end", I32(2), ints: new long[] { 1, 4 }).Out("y", F16(1, 4)), "SLICE-DYN", source: "slice_by_index"));
    }

    [Fact]
    public void DynamicOpCancelsTheNeForEnumeratedModels()
    {
        var b = new GraphBuilder().Input("x", F16(1, 8), ShapeFlexibility.Enumerated, 3);
        b.Op("reshape").In("x", "x", F16(1, 8)).In("shape", "s", I32(2)).Out("y", F16(2, 4));
        Assert.Equal(Effect.ModelToCpuGpu, Assert.Single(b.Evaluate().Findings, f => f.RuleId == "SHAPE-DYN-OP").Effect);
    }

    [Fact]
    public void RangeInputIsARuntimeRiskNotAModelLevelGate()
    {
        var ranged = new GraphBuilder().Input("x", F16(1, 512), ShapeFlexibility.Ranged);
        var f = Assert.Single(ranged.Evaluate().ModelLevel, x => x.RuleId == "SHAPE-RANGE");
        Assert.Equal(Effect.Unknown, f.Effect);
        Assert.False(f.BlocksAne);
        Assert.Contains("default shape", f.Message);
        Assert.DoesNotContain(new GraphBuilder().Input("x", F16(1, 512)).Evaluate().ModelLevel, x => x.RuleId == "SHAPE-RANGE");
    }

    [Fact]
    public void EnumeratedInputsAndTheirCaveats()
    {
        var b = new GraphBuilder().Input("x", F16(1, 8, 64), ShapeFlexibility.Enumerated, 4);
        b.Op("layer_norm").In("x", "x", F16(1, 8, 64)).Out("y", F16(1, 8, 64));
        var a = b.Evaluate();
        Assert.Equal(Effect.None, Assert.Single(a.ModelLevel, f => f.RuleId == "SHAPE-ENUM").Effect);
        Assert.Equal(Effect.OpToCpu, Assert.Single(a.ForOp(0), f => f.RuleId == "SHAPE-ENUM-CAVEATS").Effect);

        var fixedShape = new GraphBuilder().Input("x", F16(1, 8, 64));
        fixedShape.Op("layer_norm").In("x", "x", F16(1, 8, 64)).Out("y", F16(1, 8, 64));
        Assert.DoesNotContain(fixedShape.Evaluate().Findings, f => f.RuleId.StartsWith("SHAPE-ENUM", StringComparison.Ordinal));
    }

    [Fact]
    public void EnumeratedPlusRangeRunsOnCpu()
    {
        var b = new GraphBuilder().Input("x", F16(1, 8), ShapeFlexibility.Enumerated, 2).Input("y", F16(1, 8), ShapeFlexibility.Ranged);
        Assert.Single(b.Evaluate().ModelLevel, f => f.RuleId == "SHAPE-ENUM+RANGE");
    }

    [Fact]
    public void NeuralNetworkFlexibleShapes()
    {
        var b = new GraphBuilder(ModelFamily.NeuralNetwork).Input("x", F32(3, 64, 64), ShapeFlexibility.Ranged);
        Assert.Single(b.Evaluate().ModelLevel, f => f.RuleId == "SHAPE-NN-FLEX");
        Assert.DoesNotContain(new GraphBuilder(ModelFamily.NeuralNetwork).Input("x", F32(3, 64, 64)).Evaluate().ModelLevel, f => f.RuleId == "SHAPE-NN-FLEX");
    }
}
