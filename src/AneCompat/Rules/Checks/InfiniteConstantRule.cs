using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>ATTN-MASK-INF (Apple): the NE mishandles IEEE ±inf (e.g. −inf attention masks); numeric, not placement.</summary>
public sealed class InfiniteConstantRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.AttnMaskInf };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        // A const op is folded into its consumer, which reports the value; reporting the const too doubles the finding.
        if (ctx.Entry?.Status == OpStatus.Folded) return [];
        foreach (var input in ctx.Op.Inputs)
            for (var i = 0; i < input.Arguments.Count; i++)
            {
                var arg = input.Arguments[i];
                if (arg.Constant?.Floats is not { } values || !Array.Exists(values, double.IsInfinity)) continue;
                var sign = Array.Exists(values, double.IsNegativeInfinity) ? "−inf" : "+inf";
                return [ctx.Report(Descriptors.AttnMaskInf,
                    $"{ctx.Label}: constant {input.Parameter} = {arg} contains {sign}; the NE does not handle IEEE infinity correctly (softmax with −inf masks misbehaves) and coremltools keeps a true −inf when casting to fp16.")];
            }
        return [];
    }
}
