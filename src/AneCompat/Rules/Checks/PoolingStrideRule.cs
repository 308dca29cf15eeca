using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// POOL-STRIDE: the old Espresso ANE path rejected pooling strides above 2 ("stride_x = 4 &gt; 2", op→CPU on the
/// A12/A13 generations); Apple's newer guidance says use stride 2 or 4, other strides add overhead (slow).
/// </summary>
public sealed class PoolingStrideRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.PoolStride };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Pool, OpKinds.AvgPool, OpKinds.MaxPool, OpKinds.L2Pool };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.IsGlobal(ctx) || Conv.Strides(ctx) is not { Length: > 0 } s) yield break;
        var max = s.Max();
        var limit = ctx.Target.MaxLegacyPoolStride;
        if (ctx.Target.IsLegacyGeneration && max > limit)
        {
            yield return ctx.Report(Descriptors.PoolStride, $"{ctx.Label}: stride {Conv.Show(s)} > {limit}; the old Espresso ANE path rejected it (its message: 'stride_x = 4 > 2').",
                Effect.OpToCpu, Confidence.R);
            yield break;
        }
        var odd = s.Where(x => x > 2 && x != 4).ToList(); // outside Apple's recommended 1, 2, 4
        if (odd.Count == 0) yield break;
        yield return ctx.Report(Descriptors.PoolStride,
            $"{ctx.Label}: stride {Conv.Show(s)}; Apple recommends pooling stride 2 or 4, other strides add overhead (the old Espresso path rejected strides > {limit}).",
            Effect.Slow, Confidence.A);
    }
}
