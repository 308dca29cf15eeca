using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>STATE-COUNT: 1-2 states per chunk worked on the ANE; with 3+ only the GPU worked (one report).</summary>
public sealed class StateCountRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.StateCount };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        var states = ctx.Node.Interface.States;
        if (states.Count <= ctx.Target.MaxStates) yield break;
        yield return ctx.Report(Descriptors.StateCount,
            $"{ctx.Label} declares {states.Count} states ({string.Join(", ", states.Select(s => s.Name))}); more than {ctx.Target.MaxStates} per chunk failed at prediction on the ANE and only the GPU worked (one report, iPhone A19 Pro).");
    }
}
