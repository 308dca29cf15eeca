using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// Q-W8A8: activation quantization (quantize/dequantize). A17 Pro/M4 and later have the fast int8-int8 path; earlier
/// chips gain less (Apple's own tables still show gains on A16); on iPhone 17 Pro (A19) / iOS 26 the compiler was seen
/// rejecting quantize/dequantize, against Apple's documentation (open question 11).
/// </summary>
public sealed class ActivationQuantizationRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.QW8a8 };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Quantize, OpKinds.Dequantize };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var chip = $"{ctx.Target.Name} ({ctx.Target.Generation})";
        if (ctx.Target.Generation >= Targets.AneGeneration.H18)
        {
            yield return ctx.Report(Descriptors.QW8a8,
                $"{ctx.Label}: activation quantization on {chip}: one report saw the iPhone 17 Pro / iOS 26 ANE compiler reject quantize/dequantize, against Apple's documentation (open question 11).",
                Effect.Unknown);
            yield break;
        }
        if (ctx.Target.HasFastInt8) yield break;
        yield return ctx.Report(Descriptors.QW8a8,
            $"{ctx.Label}: activation quantization (W8A8) on {chip}: the fast int8-int8 NE path starts with A17 Pro/M4, so gains are smaller here (Apple's tables still show gains on A16); use it only if the model runs mostly on the NE, since CPU/GPU dequantize at run time.");
    }
}
