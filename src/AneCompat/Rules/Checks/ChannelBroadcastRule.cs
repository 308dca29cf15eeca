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
        if (!FirstTwoKnownRuntimeTensors(ctx.Op, out var a, out var b)) return [];
        if (!Broadcasts(a.Type.Shape.Dims!, b.Type.Shape.Dims!)) return [];
        var (aSizes, bSizes) = (a.Type.Shape.Sizes!, b.Type.Shape.Sizes!);
        var what = $"runtime tensors '{a}' {OpContext.Shape(aSizes)} and '{b}' {OpContext.Shape(bSizes)} broadcast against each other";
        if (ctx.IsMlProgram)
            return [ctx.Report(Descriptors.EwBcastChannel,
                $"{ctx.Label}: {what}; the old Espresso ANE path rejected this (constant vectors only), modern ML-program behaviour is not documented (open question 6).",
                Effect.Unknown)];
        return [ctx.Report(Descriptors.EwBcastChannel, $"{ctx.Label}: {what}; Espresso's ANE path supports channel broadcast only with a constant vector.")];
    }

    /// <summary>The op's first two run-time tensor arguments of known shape, in input order (a loop: every elementwise op is checked).</summary>
    private static bool FirstTwoKnownRuntimeTensors(Op op, out Argument a, out Argument b)
    {
        Argument? first = null;
        foreach (var input in op.Inputs)
            for (var i = 0; i < input.Arguments.Count; i++)
            {
                var arg = input.Arguments[i];
                if (arg.IsConstant || arg.Type.Kind != ValueKind.Tensor || !arg.Type.Shape.IsKnown) continue;
                if (first is null) { first = arg; continue; }
                (a, b) = (first, arg);
                return true;
            }
        (a, b) = (null!, null!);
        return false;
    }

    /// <summary>True when, right-aligned, some axis is 1 on one side and larger on the other (every size known).</summary>
    private static bool Broadcasts(IReadOnlyList<Dim> x, IReadOnlyList<Dim> y)
    {
        var n = Math.Max(x.Count, y.Count);
        for (var i = 1; i <= n; i++)
        {
            var a = i <= x.Count ? x[^i].Size!.Value : 1;
            var b = i <= y.Count ? y[^i].Size!.Value : 1;
            if (a != b && (a == 1 || b == 1)) return true;
        }
        return false;
    }
}
