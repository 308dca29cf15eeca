using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>CONV-DYN-WEIGHT: a conv whose weight is a runtime tensor; Core ML placement unknown (direct path: batch 1 only).</summary>
public sealed class ConvDynamicWeightRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ConvDynWeight };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Conv, OpKinds.ConvTranspose };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var runtime = ctx.Bool(Graph.Attr.DynamicWeights) || ctx.IsRuntime("weight");
        if (!runtime) return [];
        return [ctx.Report(Descriptors.ConvDynWeight,
            $"{ctx.Label}: the weight is a runtime tensor; the ANE bakes weights in at compile time and the direct path supports dynamic-weight conv only at batch 1; Core ML placement unknown (likely CPU/GPU).")];
    }
}
