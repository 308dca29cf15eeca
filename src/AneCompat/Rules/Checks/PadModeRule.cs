using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>PAD-MODE: constant padding is native; reflect/symmetric/replicate are native only from h14.</summary>
public sealed class PadModeRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.PadMode };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Pad };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var mode = ctx.String(Graph.Attr.PadMode, "mode");
        if (mode is null || mode.Equals("constant", StringComparison.OrdinalIgnoreCase) || ctx.Target.HasTextureUnit) yield break;
        yield return ctx.Report(Descriptors.PadMode,
            $"{ctx.Label}: {mode} padding is native only from h14 (M2/A15-class); {ctx.Target.Name} ({ctx.Target.Generation}) uses a software path or the CPU.");
    }
}
