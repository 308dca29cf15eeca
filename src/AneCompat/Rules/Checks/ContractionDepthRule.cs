using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>DIM-K-MAX: matmul/linear/conv contraction depth K ≤ 16384 (65536 on h16+).</summary>
public sealed class ContractionDepthRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DimKMax };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Matmul, OpKinds.Linear, OpKinds.Conv };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Depth(ctx) is not { } k || k <= ctx.Target.MaxContraction) return [];
        return [ctx.Report(Descriptors.DimKMax,
            $"{ctx.Label}: contraction depth K = {k} exceeds {ctx.Target.MaxContraction} on {ctx.Target.Name} ({ctx.Target.Generation}).")];
    }

    /// <summary>K: the reduced axis of matmul/linear; for conv the input channels per group.</summary>
    private static long? Depth(OpContext ctx)
    {
        if (ctx.Op.Is(OpKinds.Conv))
        {
                var cin = ctx.Long(Graph.Attr.InChannels) ?? (ctx.InputType()?.Shape is { Rank: >= 3 } xs ? xs[1].Size : null);
                var groups = ctx.Long(Graph.Attr.Groups) ?? 1;
                return cin is { } c && groups > 0 ? c / groups : null;
        }
        if (ctx.Op.Is(OpKinds.Matmul))
        {
                var x = ctx.InputType()?.Shape;
                if (x?.Rank is not { } r || r == 0) return null;
                return ctx.Bool("transpose_x") && r >= 2 ? x[r - 2].Size : x[r - 1].Size;
        }
        return ctx.InputType()?.Shape is { Rank: > 0 } s ? s[-1].Size : ctx.Long(Graph.Attr.InChannels);
    }
}
