using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>POOL-GLOBAL-VALID (average pooling only, as the fact base reports it): an average pool made "global" by a kernel covering the whole input with VALID padding blocked the ANE.</summary>
public sealed class GlobalValidPoolingRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.PoolGlobalValid };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.AvgPool };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.IsGlobal(ctx) || Conv.Kernel(ctx) is not { Length: 2 } k) yield break;
        var padType = ctx.String(Graph.Attr.PadType);
        if (padType is not null && !padType.Equals("valid", StringComparison.OrdinalIgnoreCase)) yield break;
        var x = ctx.InputType()?.Shape;
        if (x?.Rank is not >= 2 || x[-2].Size is not { } h || x[-1].Size is not { } w) yield break;
        if (k[0] < h || k[1] < w || h * w <= 1) yield break;
        yield return ctx.Report(Descriptors.PoolGlobalValid,
            $"{ctx.Label}: kernel {Conv.Show(k)} covers the whole {h}×{w} input with VALID padding (a hand-made global pool), which blocked the ANE (iOS 13-14).");
    }
}
