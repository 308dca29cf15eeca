using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Planning;

public class CostModelTests
{
    [Fact]
    public void ConvCountsTwoFlopsPerMultiplyAdd()
    {
        var f = new GraphFactory();
        var conv = f.Conv("x", "y", 3, 16, 64, 64);
        // 16×64×64 outputs, each a 3-channel 3×3 dot product.
        Assert.Equal(2L * 16 * 64 * 64 * 3 * 9, CostModel.Flops(conv));
        var cost = CostModel.Estimate(conv);
        Assert.Equal(16L * 3 * 9 * 2, cost.WeightBytes);
        Assert.Equal(16L * 64 * 64 * 2, cost.ActivationBytes);
    }

    [Fact]
    public void GroupedConvReadsChannelsPerGroupFromTheWeight()
    {
        var f = new GraphFactory();
        var conv = f.Add("conv", "y", GraphFactory.Fp16(1, 32, 8, 8), ("x", GraphFactory.Fp16(1, 32, 8, 8)));
        conv.Attributes[Attr.Groups] = 32L;
        conv.Inputs.Add(new OpInput("weight", new[] { new Argument { Name = "w", Type = GraphFactory.Fp16(32, 1, 3, 3) } }));
        Assert.Equal(2L * 32 * 8 * 8 * 1 * 9, CostModel.Flops(conv));
    }

    [Fact]
    public void LinearMatmulPoolAndElementwise()
    {
        var f = new GraphFactory();
        var linear = f.Add("linear", "y", GraphFactory.Fp16(1, 10), ("x", GraphFactory.Fp16(1, 128)));
        Assert.Equal(2L * 10 * 128, CostModel.Flops(linear));

        var matmul = f.Add("matmul", "m", GraphFactory.Fp16(2, 8, 16), ("a", GraphFactory.Fp16(2, 8, 32)), ("b", GraphFactory.Fp16(2, 32, 16)));
        Assert.Equal(2L * 2 * 8 * 16 * 32, CostModel.Flops(matmul));

        var pool = f.Add("max_pool", "p", GraphFactory.Fp16(1, 4, 8, 8), ("x", GraphFactory.Fp16(1, 4, 16, 16)));
        pool.Attributes[Attr.Kernel] = new long[] { 2, 2 };
        Assert.Equal(4L * 8 * 8 * 4, CostModel.Flops(pool));

        var global = f.Add("pool", "g", GraphFactory.Fp16(1, 4, 1, 1), ("x", GraphFactory.Fp16(1, 4, 16, 16)));
        global.Attributes[Attr.Global] = true;
        Assert.Equal(4L * 16 * 16, CostModel.Flops(global));

        Assert.Equal(64L, CostModel.Flops(f.Add("add", "s", GraphFactory.Fp16(8, 8), ("a", GraphFactory.Fp16(8, 8)), ("b", GraphFactory.Fp16(8, 8)))));
        Assert.Equal(0L, CostModel.Flops(f.Add("reshape", "r", GraphFactory.Fp16(64), ("a", GraphFactory.Fp16(8, 8)))));
    }

    [Fact]
    public void UnknownKindOrShapeGivesUnknownFlops()
    {
        var f = new GraphFactory();
        Assert.Null(CostModel.Flops(f.Add("some_future_op", "y", GraphFactory.Fp16(4))));
        Assert.Null(CostModel.Flops(f.Add("add", "z", global::AneCompat.Graph.ValueType.Unknown)));
        Assert.Null(CostModel.Estimate(f.Last).ActivationBytes);
    }
}
