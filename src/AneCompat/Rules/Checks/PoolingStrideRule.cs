namespace AneCompat.Rules.Checks;

/// <summary>
/// POOL-STRIDE: the old Espresso ANE path rejected pooling strides above 2 ("stride_x = 4 &gt; 2", op→CPU on the
/// A12/A13 generations); Apple's newer guidance says use stride 2 or 4, other strides add overhead (slow).
/// </summary>
public sealed class PoolingStrideRule : IOpRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "POOL-STRIDE" };
    public IReadOnlyCollection<string> Kinds { get; } = new[] { "pool", "avg_pool", "max_pool", "l2_pool" };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.IsGlobal(ctx) || Conv.Strides(ctx) is not { Length: > 0 } s) yield break;
        var max = s.Max();
        if (ctx.Target.IsLegacyGeneration && max > 2)
        {
            yield return ctx.Report("POOL-STRIDE", $"{ctx.Label}: stride {Conv.Show(s)} > 2; the old Espresso ANE path rejected it ('stride_x = 4 > 2').",
                Effect.OpToCpu, Confidence.R);
            yield break;
        }
        var odd = s.Where(x => x > 2 && x != 4).ToList();
        if (odd.Count == 0) yield break;
        yield return ctx.Report("POOL-STRIDE",
            $"{ctx.Label}: stride {Conv.Show(s)}; Apple recommends pooling stride 2 or 4, other strides add overhead (the old Espresso path rejected strides > 2).",
            Effect.Slow, Confidence.A);
    }
}
