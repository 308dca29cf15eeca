using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>STATE-DTYPE (Apple source): the fp16 pass never retypes state ops, so an fp32 state gives fp32 state reads/writes.</summary>
public sealed class StateDtypeRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.StateDtype };
    public IReadOnlyCollection<OpKind> Kinds { get; } = StateOps.Kinds.Select(OpRegistry.Get).ToArray();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (StateOps.State(ctx) is not { } state || state.Type.Element != ElementType.Float32) yield break;
        yield return ctx.Report(Descriptors.StateDtype,
            $"{ctx.Label}: state '{state.Name}' is declared fp32, so this state op stays fp32 (never retyped by the fp16 pass) and the NE cannot run it.");
    }
}
