using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>STATE-ALIGN32: state tensor dims had to be multiples of 32 to stay on the ANE (M4, macOS 15.2; one report).</summary>
public sealed class StateAlignmentRule : IOpRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.StateAlign32 };
    public IReadOnlyCollection<OpKind> Kinds { get; } = StateOps.Kinds.Select(OpRegistry.Get).ToArray();

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        if (StateOps.State(ctx) is not { } state || state.Type.Shape.Sizes is not { Length: > 0 } sizes) yield break;
        var align = ctx.Target.StateAlignment;
        var off = sizes.Where(s => s > 1 && s % align != 0).ToList();
        if (off.Count == 0) yield break;
        yield return ctx.Report(Descriptors.StateAlign32,
            $"{ctx.Label}: state '{state.Name}' {OpContext.Shape(sizes)} has dimension(s) {string.Join(", ", off)} that are not multiples of {align} (required to stay on the ANE in one report, M4/macOS 15.2; singleton axes assumed exempt).");
    }
}
