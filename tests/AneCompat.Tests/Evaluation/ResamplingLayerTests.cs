using AneCompat.Evaluation;
using AneCompat.Schema;
using Tensor = AneCompat.Evaluation.Tensor;
using Mode = AneCompat.Schema.UpsampleLayerParams.Types.LinearUpsampleMode;

namespace AneCompat.Tests.Evaluation;

/// <summary>upsample (nearest, bilinear in its three grid conventions), padding and constantPad on tensors small
/// enough to work out by hand.</summary>
public class ResamplingLayerTests
{
    private static Tensor T(int[] shape, params float[] data) => new(shape, data);
    private static Tensor One(NeuralNetworkLayer layer, params Tensor[] x) => new NeuralNetworkEvaluator().Layer(layer, x).Single();

    private static NeuralNetworkLayer Upsample(ulong sh, ulong sw, bool bilinear = false, Mode mode = Mode.Default)
    {
        var p = new UpsampleLayerParams { Mode = bilinear ? UpsampleLayerParams.Types.InterpolationMode.Bilinear : UpsampleLayerParams.Types.InterpolationMode.Nn, LinearUpsampleMode = mode };
        p.ScalingFactor.AddRange([sh, sw]);
        return new NeuralNetworkLayer { Name = "up", Upsample = p };
    }

    [Fact]
    public void Nearest_neighbour_upsampling_repeats_each_pixel()
    {
        var y = One(Upsample(2, 2), T([1, 1, 2, 2], 1, 2, 3, 4));
        Assert.Equal(new[] { 1, 1, 4, 4 }, y.Shape);
        Assert.Equal(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, y.Data);
    }

    [Theory]
    // A row [0, 3] widened to 4 samples; grid points per NeuralNetwork.proto's three conventions.
    [InlineData(Mode.AlignCornersTrue, new float[] { 0, 1, 2, 3 })]        // i·(2−1)/3 = 0, ⅓, ⅔, 1
    [InlineData(Mode.AlignCornersFalse, new float[] { 0, 0.75f, 2.25f, 3 })] // (i+½)·2/4 − ½ = −¼→0, ¼, ¾, 1¼→1
    [InlineData(Mode.Default, new float[] { 0, 1.5f, 3, 3 })]                // i·(2 − 2/4)/3 = 0, ½, 1, 1½→1
    public void Bilinear_upsampling_samples_the_grid_its_mode_defines(Mode mode, float[] expected)
    {
        var y = One(Upsample(1, 2, bilinear: true, mode), T([1, 1, 1, 2], 0, 3));
        Assert.Equal(new[] { 1, 1, 1, 4 }, y.Shape);
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], y.Data[i], 5);
    }

    private static NeuralNetworkLayer Padding(int left, int right, Action<PaddingLayerParams> type)
    {
        var p = new PaddingLayerParams { PaddingAmounts = new BorderAmounts() };
        p.PaddingAmounts.BorderAmounts_.Add(new BorderAmounts.Types.EdgeSizes());
        p.PaddingAmounts.BorderAmounts_.Add(new BorderAmounts.Types.EdgeSizes { StartEdgeSize = (ulong)left, EndEdgeSize = (ulong)right });
        type(p);
        return new NeuralNetworkLayer { Name = "pad", Padding = p };
    }

    [Fact]
    public void Padding_constant_reflection_and_replication()
    {
        var row = T([1, 1, 1, 3], 1, 2, 3);
        Assert.Equal(new float[] { 9, 1, 2, 3, 9, 9 },
            One(Padding(1, 2, p => p.Constant = new PaddingLayerParams.Types.PaddingConstant { Value = 9 }), row).Data);
        Assert.Equal(new float[] { 3, 2, 1, 2, 3, 2, 1 },
            One(Padding(2, 2, p => p.Reflection = new PaddingLayerParams.Types.PaddingReflection()), row).Data);
        Assert.Equal(new float[] { 1, 1, 1, 2, 3, 3, 3 },
            One(Padding(2, 2, p => p.Replication = new PaddingLayerParams.Types.PaddingReplication()), row).Data);
    }

    [Fact]
    public void Constant_pad_takes_before_and_after_per_axis()
    {
        var p = new ConstantPaddingLayerParams { Value = -1 };
        p.PadAmounts.AddRange([1UL, 0UL, 0UL, 2UL]);
        var y = One(new NeuralNetworkLayer { Name = "cp", ConstantPad = p }, T([1, 2], 5, 6));
        Assert.Equal(new[] { 2, 4 }, y.Shape);
        Assert.Equal(new float[] { -1, -1, -1, -1, 5, 6, -1, -1 }, y.Data);
        p.PadToGivenOutputSizeMode = true;
        Assert.Equal("not covered: constantPad (pad to a given output size)",
            Assert.Throws<NotCoveredException>(() => One(new NeuralNetworkLayer { Name = "cp", ConstantPad = p }, T([1, 2], 5, 6))).Message);
    }
}
