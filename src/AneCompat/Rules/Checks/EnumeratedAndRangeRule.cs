using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>SHAPE-ENUM+RANGE: enumerated and range inputs in one model ran CPU-only (macOS 13).</summary>
public sealed class EnumeratedAndRangeRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeEnumRange };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        var ranged = FlexibleShapes.Ranged(ctx.Node);
        var enumerated = FlexibleShapes.Enumerated(ctx.Node);
        if (ranged.Count == 0 || enumerated.Count == 0) yield break;
        yield return ctx.Report(Descriptors.ShapeEnumRange,
            $"{ctx.Label} mixes enumerated input(s) {FlexibleShapes.Names(enumerated)} with range input(s) {FlexibleShapes.Names(ranged)}: such a model ran on the CPU only (macOS 13).");
    }
}
