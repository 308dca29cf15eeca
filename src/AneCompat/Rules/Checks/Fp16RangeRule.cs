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
        if (ctx.Entry?.Status == OpStatus.Folded) yield break;
        var runsFp16 = ctx.IsNeuralNetwork || ctx.IsMlProgram && ctx.Op.Outputs.Any(o => o.Type.Element == ElementType.Float16);
        if (!runsFp16) yield break;
        foreach (var (parameter, arg, values) in Precision.FloatConstants(ctx))
        {
            var over = values.FirstOrDefault(v => double.IsFinite(v) && Math.Abs(v) > Precision.Fp16Max);
            if (over == 0) continue;
            yield return ctx.Report(Descriptors.DtypeFp16Only,
                $"{ctx.Label}: constant {parameter} = {arg} holds {over:G6}, beyond the fp16 range ±65504 the ANE computes in; it becomes inf.");
            yield break;
        }
    }
}
