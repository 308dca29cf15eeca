namespace AneCompat.Rules.Checks;

/// <summary>CONV-3D: a conv with three spatial axes; CPU-only before iOS 17, GPU from iOS 17, ANE via Core ML unconfirmed.</summary>
public sealed class Conv3dRule : IOpRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "CONV-3D" };
    public IReadOnlyCollection<string> Kinds { get; } = new[] { "conv", "conv_transpose", "avg_pool", "max_pool", "l2_pool", "pool" };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (Conv.Kernel(ctx) is not { Length: 3 } k) yield break;
        yield return ctx.Report("CONV-3D",
            $"{ctx.Label}: 3-D kernel {Conv.Show(k)}; Conv3d was CPU-only before iOS 17 and GPU-capable from iOS 17; ANE via Core ML is unconfirmed (the direct path says 3-D depth is native on h13+).");
    }
}
