using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>RANK-MAX5 (Apple): tensors above rank 5 are rejected.</summary>
public sealed class RankRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.RankMax5 };
    public IReadOnlyCollection<OpKind> Kinds { get; } = Array.Empty<OpKind>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var tensors = ctx.RuntimeTensors;
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            var type = tensor.Type;
            if (type.Shape.Rank is not { } rank || rank <= ctx.Target.MaxRank) continue;
            return [ctx.Report(Descriptors.RankMax5, $"{ctx.Label}: {tensor.Role} has rank {rank} {type.Shape}, above the ANE maximum of {ctx.Target.MaxRank}.")];
        }
        return [];
    }
}
