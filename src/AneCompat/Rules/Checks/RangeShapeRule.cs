using AneCompat.Graph;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// SHAPE-RANGE: range-shaped inputs use the ANE only at the default shape. Core ML makes its plan for the default
/// shape (ane-rules.md §4.8 item 2: a published MLComputePlan of an ML program with a bounded RangeDim input placed
/// every op on the NE; CT-1909), so the model is planned there and the finding is a runtime risk — other in-range
/// shapes may leave the ANE (the MLE5Engine warning) unless the app sets reshapeFrequency = .infrequent — not a
/// model-level block. NeuralNetwork models likewise ran their default shape on the ANE (SHAPE-NN-FLEX).
/// </summary>
public sealed class RangeShapeRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeRange };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        var ranged = FlexibleShapes.Ranged(ctx.Node);
        if (ranged.Count == 0) yield break;
        var unbounded = ranged.Where(i => i.Ranges.Any(r => r.Upper is null)).ToList();
        var detail = string.Join("; ", ranged.Select(i => i.Name + FlexibleShapes.Ranges(i)));
        // Non-neural members (classical models, Apple's feature prints) have their own model-type verdict.
        if (ctx.Node.Family is not (ModelFamily.NeuralNetwork or ModelFamily.MlProgram)) yield break;
        if (ctx.Node.Family == ModelFamily.NeuralNetwork)
        {
            yield return ctx.Report(Descriptors.ShapeRange,
                $"{ctx.Label} has range-shaped input(s) {detail}: as a NeuralNetwork it is predicted on the ANE at its default shape only (SHAPE-NN-FLEX); other in-range shapes go to CPU/GPU.",
                Effect.Unknown);
            yield break;
        }
        yield return ctx.Report(Descriptors.ShapeRange,
            $"{ctx.Label} has range-shaped input(s) {detail}: planned at the default shape (runtime risk, not a block): measured ~75-78 % ANE at the default shape and 0 % at other in-range shapes, " +
            "so other shapes may leave the ANE unless the app sets reshapeFrequency = .infrequent (iOS 17.4+/macOS 14.4+)." +
            (unbounded.Count > 0 ? $" Unbounded dimension(s) in {FlexibleShapes.Names(unbounded)}: ML programs require an upper bound on every RangeDim." : ""),
            Effect.Unknown);
    }
}
