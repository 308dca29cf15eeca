using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// EW-BCAST-CHANNEL: broadcasting one runtime tensor against another (CxHxW × Cx1x1) was off the ANE on the Espresso
/// path ("channel broadcast supported only with constant vector"); for ML-program binaries the modern behaviour is
/// not documented (open question 6), so the verdict there is unknown.
/// </summary>
public sealed class ChannelBroadcastRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.EwBcastChannel };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Add, OpKinds.Mul, OpKinds.Sub, OpKinds.Elementwise };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var shapes = ctx.RuntimeArguments
            .Where(x => x.Argument.Type.Kind == ValueKind.Tensor && x.Argument.Type.Shape.IsKnown)
            .Select(x => (x.Argument, Sizes: x.Argument.Type.Shape.Sizes!))
            .ToList();
        if (shapes.Count < 2) yield break;
        var (a, b) = (shapes[0], shapes[1]);
        if (!Broadcasts(a.Sizes, b.Sizes)) yield break;
        var what = $"runtime tensors '{a.Argument}' {OpContext.Shape(a.Sizes)} and '{b.Argument}' {OpContext.Shape(b.Sizes)} broadcast against each other";
        if (ctx.IsMlProgram)
        {
            yield return ctx.Report(Descriptors.EwBcastChannel,
                $"{ctx.Label}: {what}; the old Espresso ANE path rejected this (constant vectors only), modern ML-program behaviour is not documented (open question 6).",
                Effect.Unknown);
            yield break;
        }
        yield return ctx.Report(Descriptors.EwBcastChannel, $"{ctx.Label}: {what}; Espresso's ANE path supports channel broadcast only with a constant vector.");
    }

    /// <summary>True when, right-aligned, some axis is 1 on one side and larger on the other.</summary>
    private static bool Broadcasts(long[] x, long[] y)
    {
        var n = Math.Max(x.Length, y.Length);
        for (var i = 1; i <= n; i++)
        {
            var a = i <= x.Length ? x[^i] : 1;
            var b = i <= y.Length ? y[^i] : 1;
            if (a != b && (a == 1 || b == 1)) return true;
        }
        return false;
    }
}
