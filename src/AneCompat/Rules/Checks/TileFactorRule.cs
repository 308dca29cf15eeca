using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// TILE-SPACE: tile and space_to_batch/batch_to_space compile only with factors from {2, 3, 4, 8}; batch_to_space's
/// input batch must divide by the block product.
/// </summary>
public sealed class TileFactorRule : IOpRule
{
    private static readonly long[] Factors = { 2, 3, 4, 8 };

    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.TileSpace };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Tile, OpKinds.SpaceToBatch, OpKinds.BatchToSpace };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var factors = ctx.Op.Is(OpKinds.Tile) ? ctx.Longs(Graph.Attr.Reps) : ctx.Longs("block_shape", "block_size");
        if (factors is null) yield break;
        var bad = factors.Where(f => f > 1 && !Factors.Contains(f)).ToList();
        if (bad.Count > 0)
        {
            yield return ctx.Report(Descriptors.TileSpace, $"{ctx.Label}: factor(s) {OpContext.Shape(factors)}; only 2, 3, 4 and 8 are reported to compile ({string.Join(", ", bad)} is not).");
            yield break;
        }
        if (!ctx.Op.Is(OpKinds.BatchToSpace) || ctx.InputType()?.Shape is not { Rank: > 0 } x || x[0].Size is not { } batch) yield break;
        // Saturating: factors come from the file; a product that saturates cannot divide a real batch anyway.
        var product = Diagnostics.Saturating.Product(factors.Select(f => Math.Max(f, 1)));
        if (product > 0 && batch % product != 0)
            yield return ctx.Report(Descriptors.TileSpace, $"{ctx.Label}: input batch {batch} is not divisible by the block product {product}.");
    }
}
