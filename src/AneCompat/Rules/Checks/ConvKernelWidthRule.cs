using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// CONV-KW: kernel width kW ≤ 13 on M1-class (h13) and ≤ 15 on h16+; kW ≥ 16 does not compile. kH is not limited this
/// way. The exact cap is disputed (the same repo's table says up to 29×29, 13×13 for fp16, on M1 and ≤ 32×32 on M5).
/// </summary>
public sealed class ConvKernelWidthRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ConvKw };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Conv, OpKinds.ConvTranspose };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.Kernel(ctx) is not { Length: >= 2 } k) return [];
        var kw = k[^1];
        var cap = ctx.Target.MaxKernelWidth;
        if (kw <= cap) return [];
        var basis = ctx.Target.HasWideCaps ? "h16+ cap 15" : ctx.Target.Generation == Targets.AneGeneration.H13 ? "M1-class (h13) cap 13" : $"cap 13 (measured on h13; {ctx.Target.Generation} assumed the same)";
        return [ctx.Report(Descriptors.ConvKw,
            $"{ctx.Label}: kernel {Conv.Show(k)} has width {kw}, over the {basis} on {ctx.Target.Name}; kW ≥ 16 never compiled. The exact cap is disputed (another direct-path table allows 13×13 fp16 on M1 and up to 32×32 on M5).")];
    }
}
