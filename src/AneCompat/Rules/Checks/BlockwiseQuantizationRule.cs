using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// Q-BLOCKWISE: per-block (block smaller than the axis) constexpr_blockwise_shift_scale; Apple recommends per-channel
/// scales for the NE. Reports range from rejection (0 ANE regions) to wrong results; the exact outcome is open
/// question 10. Per-channel blockwise behaves like constexpr_affine_dequantize (no finding).
/// </summary>
public sealed class BlockwiseQuantizationRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.QBlockwise };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.ConstexprBlockwiseShiftScale, OpKinds.ConstexprSparseBlockwiseShiftScale };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var perBlock = PerBlock(ctx);
        if (perBlock == false) yield break;
        if (perBlock is null)
        {
            yield return ctx.Report(Descriptors.QBlockwise,
                $"{ctx.Label}: the scale/data shapes are not known, so per-block (off the ANE or wrong on it) cannot be told from per-channel (fine).", Effect.Unknown);
            yield break;
        }
        yield return ctx.Report(Descriptors.QBlockwise,
            $"{ctx.Label}: per-block quantization (scale {ctx.Op.Arg("scale")?.Type.Shape} over data {ctx.Op.Arg("data")?.Type.Shape}); Apple recommends per-channel scales for the NE; reports range from 0 ANE regions to wrong results on the NE (open question 10).");
    }

    /// <summary>True when some axis has more than one but fewer scales than elements, or several axes carry scales.</summary>
    private static bool? PerBlock(OpContext ctx)
    {
        var q = ctx.String(Graph.Attr.Quantization);
        if (q == "per_block") return true;
        if (q == "per_channel") return false;
        var data = ctx.Op.Arg("data")?.Type.Shape.Sizes;
        var scale = ctx.Op.Arg("scale")?.Type.Shape.Sizes;
        if (data is null || scale is null || data.Length != scale.Length) return null;
        var scaled = Enumerable.Range(0, data.Length).Where(i => scale[i] > 1).ToList();
        return scaled.Any(i => scale[i] != data[i]) || scaled.Count > 1;
    }
}
