using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>NUM-LN-EPS (Apple): a norm epsilon such as 1e-12 is not fp16-friendly (it ends up ≈6e-8 or 0).</summary>
public sealed class LayerNormEpsilonRule : IOpRule
{
    /// <summary>Smallest positive fp16 subnormal: smaller epsilons cannot be represented.</summary>
    private const double SmallestFp16 = 5.96e-8;

    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.NumLnEps };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.LayerNorm, OpKinds.InstanceNorm, OpKinds.BatchNorm, OpKinds.L2Norm };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var eps = ctx.Doubles("epsilon") is { Length: 1 } e ? e[0] : (double?)null;
        if (eps is not { } v || v <= 0 || v >= SmallestFp16) return [];
        return [ctx.Report(Descriptors.NumLnEps,
            $"{ctx.Label}: epsilon {v:G3} is below the smallest fp16 value (≈6e-8); on the ANE it rounds to ≈6e-8 or 0 (Apple's ANE DistilBERT uses 1e-7).")];
    }
}
