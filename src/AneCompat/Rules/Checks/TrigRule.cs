namespace AneCompat.Rules.Checks;

/// <summary>EW-TRIG: sin/cos are native only from h15 (M3/A16-class).</summary>
public sealed class TrigRule : IOpRule
{
    public IReadOnlyList<string> RuleIds { get; } = new[] { "EW-TRIG" };
    public IReadOnlyCollection<string> Kinds { get; } = new[] { "sin", "cos" };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (ctx.Target.HasTrigUnit) yield break;
        yield return ctx.Report("EW-TRIG", $"{ctx.Label}: {ctx.Kind} is native only from h15 (M3/A16-class); the {ctx.Target.Name} ({ctx.Target.Generation}) compiler rejects it.");
    }
}
