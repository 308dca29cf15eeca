using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>LRN-C15: the native LRN bridge accepts only a local size ≤ 15 (direct path).</summary>
public sealed class LrnSizeRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.LrnC15 };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.LocalResponseNorm };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (ctx.Long("size", "local_size", "localSize") is not { } size || size <= ctx.Target.MaxLrnSize) yield break;
        yield return ctx.Report(Descriptors.LrnC15, $"{ctx.Label}: local size {size} exceeds {ctx.Target.MaxLrnSize}, the largest the native LRN layer accepts.");
    }
}
