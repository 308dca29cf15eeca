using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>DTYPE-FP32 (Apple): an fp32-typed ML-program op is barred from the Neural Engine.</summary>
public sealed class Fp32OpRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeFp32 };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (!ctx.IsMlProgram || !Precision.IsComputeOp(ctx)) return [];
        var fp32 = Precision.Fp32Tensors(ctx);
        if (fp32.Count == 0) return [];
        return [ctx.Report(Descriptors.DtypeFp32,
            $"{ctx.Label} is fp32-typed ({string.Join(", ", fp32.Take(3))} fp32); ML-program types set a minimum precision and the NE is barred for fp32.")];
    }
}
