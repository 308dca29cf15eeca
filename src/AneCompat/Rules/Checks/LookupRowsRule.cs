using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// DIM-LOOKUP-NB: a lookup inner product (embedding, constant-table gather, espresso inner_product with is_lookup)
/// requires nB ≤ 32768 ("Inner product (is_lookup = True) requires nB to be bounded by 32768").
/// </summary>
public sealed class LookupRowsRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DimLookupNb };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Embedding, OpKinds.Gather, OpKinds.Linear };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Rows(ctx) is not { } rows || rows <= ctx.Target.MaxLookupRows) yield break;
        yield return ctx.Report(Descriptors.DimLookupNb,
            $"{ctx.Label}: lookup table has {rows} rows; the ANE kernel validator requires nB ≤ {ctx.Target.MaxLookupRows} for lookup inner products (seen on macOS 14 / M1).");
    }

    /// <summary>Table rows for lookups; null for ordinary inner products and runtime tables.</summary>
    internal static long? Rows(OpContext ctx)
    {
        // Decoders write the table's rows as VocabSize: NN embedding (inputDim), a MIL gather from a constant table,
        // and an espresso inner_product with is_lookup = 1 (its nB). An ordinary inner product has none.
        if (ctx.Long(Graph.Attr.VocabSize) is { } vocab) return vocab;
        if (ctx.Op.Is(OpKinds.Gather) && ctx.Op.Arg("x") is { IsConstant: true } table && table.Type.Shape.Rank is > 0)
        {
            var axis = ctx.Long(Graph.Attr.Axis) ?? 0;
            return table.Type.Shape[(int)axis].Size;
        }
        return null;
    }
}
