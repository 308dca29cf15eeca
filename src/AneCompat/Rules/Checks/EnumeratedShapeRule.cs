using AneCompat.Graph;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>SHAPE-ENUM: EnumeratedShapes inputs stay eligible; several enumerated inputs must pair up (iOS 18+).</summary>
public sealed class EnumeratedShapeRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeEnum };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        if (ctx.Node.Family != ModelFamily.MlProgram) yield break;
        var enumerated = FlexibleShapes.Enumerated(ctx.Node);
        if (enumerated.Count == 0) yield break;
        var counts = enumerated.Select(i => i.EnumeratedShapes.Count).Distinct().ToList();
        var note = enumerated.Count == 1 ? "" :
            counts.Count == 1
                ? $" {enumerated.Count} inputs are enumerated: accepted only from iOS 18, and only index-matched combinations."
                : $" {enumerated.Count} inputs are enumerated with different shape counts ({string.Join("/", counts)}): iOS 18 requires each to list the same number of shapes.";
        yield return ctx.Report(Descriptors.ShapeEnum,
            $"{ctx.Label} has EnumeratedShapes input(s) {FlexibleShapes.Names(enumerated)}: eligible for the ANE (optimized per shape at compile time) unless the conversion introduced dynamic layers.{note}");
    }
}
