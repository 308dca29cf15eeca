using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// POOL-KERNEL: Espresso's ANE path rejects pooling windows above 13 ("kernel size &gt; 13 is not supported in ANE");
/// the direct path reports windows up to 29 (M1) / 31 (h14+), so 14…29/31 is disputed (open question 3).
/// Global pooling is exempt.
/// </summary>
public sealed class PoolingKernelRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.PoolKernel };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Pool, OpKinds.AvgPool, OpKinds.MaxPool, OpKinds.L2Pool };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.IsGlobal(ctx) || Conv.Kernel(ctx) is not { Length: > 0 } k) yield break;
        var cap = ctx.Target.MaxPoolKernel;
        var max = k.Max();
        if (max <= cap) yield break;
        var direct = ctx.Target.DirectPathPoolWindow;
        var note = max <= direct
            ? $" The direct path reports windows up to {direct} on this generation, so the limit is disputed (open question 3)."
            : $" It also exceeds the direct-path window of {direct}.";
        yield return ctx.Report(Descriptors.PoolKernel,
            $"{ctx.Label}: pooling kernel {Conv.Show(k)} exceeds {cap} on {ctx.Target.Name} ({ctx.Target.Generation}) (Espresso ANE: 'kernel size > 13 is not supported in ANE').{note}");
    }
}
