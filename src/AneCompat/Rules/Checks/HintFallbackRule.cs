using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// HINT-FALLBACK (ANECompat-internal): a compiled espresso layer carrying hint_fallback_from_ane = 1 tells Core ML to
/// keep it off the ANE; the evidence is the file itself (formats.md d.6).
/// </summary>
public sealed class HintFallbackRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.HintFallback };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        // Only compiled models carry the hint: skip the lookups below (which allocate) for every other op.
        if (!ctx.Op.Attributes.ContainsKey(Graph.Attr.HintFallbackFromAne) && ctx.Op.Input(Graph.Attr.HintFallbackFromAne) is null) return [];
        if (!ctx.Bool(Graph.Attr.HintFallbackFromAne) && ctx.Long(Graph.Attr.HintFallbackFromAne) is not > 0) return [];
        return [ctx.Report(Descriptors.HintFallback,
            $"{ctx.Label}: the compiled model marks this layer hint_fallback_from_ane = 1, so Core ML is told to run it off the ANE.")];
    }
}
