using AneCompat.Graph;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>SHAPE-NN-FLEX: a NeuralNetwork with flexible inputs ran on the ANE only at its default shape (A12X, iOS 13.6).</summary>
public sealed class NeuralNetworkFlexibleShapeRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ShapeNnFlex };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        if (ctx.Node.Family != ModelFamily.NeuralNetwork) yield break;
        var flexible = ctx.Node.Interface.Inputs.Where(i => i.Flexibility != ShapeFlexibility.Fixed).ToList();
        if (flexible.Count == 0) yield break;
        yield return ctx.Report(Descriptors.ShapeNnFlex,
            $"{ctx.Label} is a NeuralNetwork with flexible input(s) {FlexibleShapes.Names(flexible)}: only the default shape ran on the ANE in the one report (A12X, iOS 13.6); other shapes went to CPU/GPU. Newer OS behaviour is not reported.");
    }
}
