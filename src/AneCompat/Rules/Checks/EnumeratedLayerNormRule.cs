using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// SHAPE-ENUM-CAVEATS: with EnumeratedShapes inputs, rank-3 layer_norm failed (the 4-D form worked) and a
/// LayerNorm+matmul model went entirely off the ANE while its fixed and RangeDim variants ran (macOS 13-15).
/// </summary>
public sealed class EnumeratedLayerNormRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeEnumCaveats };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.LayerNorm };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var enumerated = FlexibleShapes.Enumerated(ctx.Node);
        if (enumerated.Count == 0) yield break;
        var rank = ctx.InputType()?.Shape.Rank;
        if (rank == 3)
        {
            yield return ctx.Report(Descriptors.ShapeEnumCaveats,
                $"{ctx.Label}: rank-3 layer_norm in a model with EnumeratedShapes input(s) {FlexibleShapes.Names(enumerated)}; observed off the ANE (the 4-D form worked), and such models went entirely off the ANE.");
            yield break;
        }
        yield return ctx.Report(Descriptors.ShapeEnumCaveats,
            $"{ctx.Label}: layer_norm (input rank {rank?.ToString() ?? "unknown"}) in a model with EnumeratedShapes input(s) {FlexibleShapes.Names(enumerated)}; a LayerNorm model went fully off the ANE with EnumeratedShapes, while the 4-D form was reported to work: unknown.",
            Effect.Unknown);
    }
}
