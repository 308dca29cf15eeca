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
        if (!ctx.IsMlProgram || !Precision.IsComputeOp(ctx)) yield break;
        foreach (var (parameter, arg) in Precision.Fp32Constants(ctx))
        {
            var values = arg.Constant?.Floats;
            if (values is null) continue;
            var over = values.Where(v => double.IsFinite(v) && Math.Abs(v) > Precision.Fp16Max && Math.Abs(v) < Precision.SaturatedSentinel).ToList();
            if (over.Count == 0) continue;
            yield return ctx.Report(Descriptors.DtypeFp16Pass,
                $"{ctx.Label}: fp32 constant {parameter} = {arg} holds {over[0]:G6}, beyond the fp16 range ±65504; coremltools' fp16 pass keeps such an op in fp32, off the NE.");
            yield break;
        }
    }
}
