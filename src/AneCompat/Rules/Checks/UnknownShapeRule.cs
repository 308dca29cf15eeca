using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// SHAPE-UNKNOWN (ANECompat-internal): an op whose output shape is not known statically (shape inference stopped,
/// a flexible input axis, a dynamic op) cannot be judged by the shape rules. Said as such rather than passed silently.
/// </summary>
public sealed class UnknownShapeRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeUnknown };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (!Precision.IsComputeOp(ctx)) return [];
        foreach (var output in ctx.Op.Outputs)
        {
            if (output.Type.Kind != ValueKind.Tensor || output.Type.Shape.IsKnown) continue;
            var what = output.Type.Shape.Rank is null ? "rank and shape are" : $"shape {output.Type.Shape} is";
            return [ctx.Report(Descriptors.ShapeUnknown,
                $"{ctx.Label}: the {what} not known statically for output '{output.Name}', so RANK-MAX5 and DIM-AXIS-MAX could not be checked on it.")];
        }
        return [];
    }
}
