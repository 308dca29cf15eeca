namespace AneCompat.Rules.Checks;

/// <summary>RANK-MAX5 (Apple): tensors above rank 5 are rejected.</summary>
public sealed class RankRule : IOpRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "RANK-MAX5" };
    public IReadOnlyCollection<string> Kinds { get; } = Array.Empty<string>();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        foreach (var (role, type) in ctx.RuntimeTensors)
        {
            if (type.Shape.Rank is not { } rank || rank <= ctx.Target.MaxRank) continue;
            yield return ctx.Report("RANK-MAX5", $"{ctx.Label}: {role} has rank {rank} {type.Shape}, above the ANE maximum of {ctx.Target.MaxRank}.");
            yield break;
        }
    }
}
