using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>GATHER-AXIS-ND (Apple, Core AI): a gather_nd whose output is rank 3 is rejected by the ANE compiler.</summary>
public sealed class GatherAxisNdRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.GatherAxisNd };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.GatherNd };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var rank = ctx.OutputType?.Shape.Rank;
        if (rank == 3)
            yield return ctx.Report(Descriptors.GatherAxisNd, $"{ctx.Label}: output rank 3 {ctx.OutputType!.Shape}; Apple's Core AI rules say the NE compiler rejects rank-3 gather_nd outputs (whether Core ML does the same is open question 18).");
        else if (rank is null)
            yield return ctx.Report(Descriptors.GatherAxisNd, $"{ctx.Label}: output rank unknown; rank-3 gather_nd outputs are rejected (Apple, Core AI), other ranks follow the texture-unit rules.", Effect.Unknown);
    }
}
