using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>DTYPE-BF16: bf16 has no ANE path.</summary>
public sealed class Bf16Rule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.DtypeBf16 };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var bf16 = Precision.Roles(ctx, ElementType.BFloat16);
        if (bf16.Count == 0) return [];
        return [ctx.Report(Descriptors.DtypeBf16, $"{ctx.Label} uses bf16 ({string.Join(", ", bf16.Take(3))}): bf16 has no ANE path.")];
    }
}
