using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// DTYPE-FP16-ONLY: an op that runs in fp16 on the ANE (every NeuralNetwork layer, fp16-typed ML-program ops) with a
/// finite constant beyond ±65504 overflows to inf. Numeric, never placement.
/// </summary>
public sealed class Fp16RangeRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeFp16Only };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        // A const op is folded into its consumer, which reports the value; reporting the const too doubles the finding.
        if (ctx.Entry?.Status == OpStatus.Folded) return [];
        var runsFp16 = ctx.IsNeuralNetwork || ctx.IsMlProgram && Precision.HasOutput(ctx.Op, ElementType.Float16);
        if (!runsFp16) return [];
        foreach (var input in ctx.Op.Inputs)
            for (var i = 0; i < input.Arguments.Count; i++)
            {
                var arg = input.Arguments[i];
                if (arg.Constant?.Floats is not { } values || Precision.FirstBeyond(values, Precision.Fp16Max) is not { } over) continue;
                return [ctx.Report(Descriptors.DtypeFp16Only,
                    $"{ctx.Label}: constant {input.Parameter} = {arg} holds {over:G6}, beyond the fp16 range ±65504 the ANE computes in; it becomes inf.")];
            }
        return [];
    }
}
