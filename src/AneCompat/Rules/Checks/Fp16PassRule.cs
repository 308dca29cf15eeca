using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// DTYPE-FP16-PASS (Apple, coremltools source): the fp16 pass leaves an op in fp32 when an fp32 constant input holds a
/// finite value beyond ±65504 (values ≥ 1e38 are saturated instead).
/// </summary>
public sealed class Fp16PassRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeFp16Pass };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (!ctx.IsMlProgram || !Precision.IsComputeOp(ctx)) return [];
        foreach (var input in ctx.Op.Inputs)
            for (var i = 0; i < input.Arguments.Count; i++)
            {
                var arg = input.Arguments[i];
                if (!Precision.IsFp32Constant(arg) || arg.Constant?.Floats is not { } values) continue;
                if (Precision.FirstBeyond(values, Precision.Fp16Max, Precision.SaturatedSentinel) is not { } over) continue;
                return [ctx.Report(Descriptors.DtypeFp16Pass,
                    $"{ctx.Label}: fp32 constant {input.Parameter} = {arg} holds {over:G6}, beyond the fp16 range ±65504; coremltools' fp16 pass keeps such an op in fp32, off the NE.")];
            }
        return [];
    }
}
