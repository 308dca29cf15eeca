using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// CONV-DILATION: dilated convs were reported off the ANE in the iOS 13/14 era (A12/A13: op→CPU); Apple's 2026 guidance
/// calls large dilations costly but legal. A dilated extent (k−1)·d+1 above the kernel-width cap is off the ANE by
/// inference (G); otherwise the verdict is unknown (open question 4).
/// </summary>
public sealed class ConvDilationRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.ConvDilation };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Conv, OpKinds.ConvTranspose };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.Dilations(ctx) is not { } d || d.All(x => x <= 1)) return [];
        var k = Conv.Kernel(ctx);
        var dw = d[^1];
        var extent = k is { Length: > 0 } ? (k[^1] - 1) * dw + 1 : (long?)null;
        var shown = $"dilation {Conv.Show(d)}" + (k is null ? "" : $" on kernel {Conv.Show(k)}");
        if (ctx.Target.IsLegacyGeneration)
        {
            return [ctx.Report(Descriptors.ConvDilation, $"{ctx.Label}: {shown}; dilated convolutions were reported not to run on the ANE in the A12/A13 (iOS 13/14) era.",
                Effect.OpToCpu, Confidence.C)];
        }
        if (extent is { } e && e > ctx.Target.MaxKernelWidth)
        {
            return [ctx.Report(Descriptors.ConvDilation,
                $"{ctx.Label}: {shown} spans {e} columns, over the kernel-width cap {ctx.Target.MaxKernelWidth}; applying the width limit to the dilated extent is an inference.",
                Effect.OpToCpu, Confidence.G)];
        }
        return [ctx.Report(Descriptors.ConvDilation,
            $"{ctx.Label}: {shown}; disputed: reported unsupported in 2019-2021, costly but legal in Apple's 2026 guidance, thresholds unknown (open question 4).",
            Effect.Unknown)];
    }
}
