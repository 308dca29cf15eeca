using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>EW-TRIG: sin/cos are native only from h15 (M3/A16-class).</summary>
public sealed class TrigRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.EwTrig };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Sin, OpKinds.Cos };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (ctx.Target.HasTrigUnit) yield break;
        yield return ctx.Report(Descriptors.EwTrig, $"{ctx.Label}: {ctx.Kind} is native only from h15 (M3/A16-class); the {ctx.Target.Name} ({ctx.Target.Generation}) compiler rejects it.");
    }
}
