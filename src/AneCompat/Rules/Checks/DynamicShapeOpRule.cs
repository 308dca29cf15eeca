using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// SHAPE-DYN-OP (Apple FAQ): an op whose output shape comes from a runtime tensor (reshape to a computed shape, fill
/// or range with runtime arguments, runtime pad amounts or tile reps, conv_transpose with a runtime output_shape) is not
/// NE-supported, and it cancels the NE for enumerated-shape models.
/// </summary>
public sealed class DynamicShapeOpRule : IOpRule
{
    private static readonly Dictionary<string, string[]> ShapeParameters = new(StringComparer.Ordinal)
    {
        ["reshape"] = new[] { "shape" },
        ["fill"] = new[] { "shape" },
        ["range_1d"] = new[] { "start", "end", "step" },
        ["pad"] = new[] { "pad" },
        ["tile"] = new[] { "reps" },
        ["conv_transpose"] = new[] { "output_shape" },
        ["broadcast_to"] = new[] { "shape" },
    };

    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeDynOp };
    public IReadOnlyCollection<OpKind> Kinds { get; } = ShapeParameters.Keys.Select(OpRegistry.Get).ToArray();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (!ShapeParameters.TryGetValue(ctx.Op.Kind, out var parameters)) yield break;
        var runtime = parameters.Where(ctx.IsRuntime).ToList();
        if (runtime.Count == 0) yield break;
        var enumerated = FlexibleShapes.Enumerated(ctx.Node);
        var what = string.Join(", ", runtime.Select(p => $"{p} = '{ctx.Op.Arg(p)}'"));
        if (enumerated.Count > 0)
        {
            yield return ctx.Report(Descriptors.ShapeDynOp,
                $"{ctx.Label}: output shape depends on runtime value(s) {what}; dynamic layers are not NE-supported and cancel the NE for this enumerated-shape model (inputs {FlexibleShapes.Names(enumerated)}).",
                Effect.ModelToCpuGpu);
            yield break;
        }
        yield return ctx.Report(Descriptors.ShapeDynOp, $"{ctx.Label}: output shape depends on runtime value(s) {what}; dynamic layers are not NE-supported.");
    }
}
