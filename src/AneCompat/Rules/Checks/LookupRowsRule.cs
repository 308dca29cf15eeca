namespace AneCompat.Rules.Checks;

/// <summary>
/// DIM-LOOKUP-NB: a lookup inner product (embedding, constant-table gather, espresso inner_product with is_lookup)
/// requires nB ≤ 32768 ("Inner product (is_lookup = True) requires nB to be bounded by 32768").
/// </summary>
public sealed class LookupRowsRule : IOpRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "DIM-LOOKUP-NB" };
    public IReadOnlyCollection<string> Kinds { get; } = new[] { "embedding", "gather", "linear" };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Rows(ctx) is not { } rows || rows <= ctx.Target.MaxLookupRows) yield break;
        yield return ctx.Report("DIM-LOOKUP-NB",
            $"{ctx.Label}: lookup table has {rows} rows; the ANE kernel validator requires nB ≤ {ctx.Target.MaxLookupRows} for lookup inner products (seen on macOS 14 / M1).");
    }

    /// <summary>Table rows for lookups; null for ordinary inner products and runtime tables.</summary>
    internal static long? Rows(OpContext ctx)
    {
        if (ctx.Kind == "linear" && !ctx.Bool("is_lookup")) return null;
        if (ctx.Long(Graph.Attr.VocabSize) is { } vocab) return vocab;
        if (ctx.Kind == "gather" && ctx.Op.Arg("x") is { IsConstant: true } table && table.Type.Shape.Rank is > 0)
        {
            var axis = ctx.Long(Graph.Attr.Axis) ?? 0;
            return table.Type.Shape[(int)axis].Size;
        }
        return ctx.Kind == "linear" ? ctx.Long("nB") : null;
    }
}
