using AneCompat.Graph;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>FMT-MLPROGRAM: whether ML programs reach the ANE below h13 (A12/A13) is not established.</summary>
public sealed class MlProgramGenerationRule : IModelRule
{
    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.FmtMlprogram };

    public IEnumerable<Finding> Check(ModelContext ctx)
    {
        if (ctx.Node.Family != ModelFamily.MlProgram || ctx.Target.MlProgramOnAneEstablished) yield break;
        yield return ctx.Report(Descriptors.FmtMlprogram,
            $"{ctx.Label} is an ML program and the target {ctx.Target.Name} is {ctx.Target.Generation}: ML programs are shown on the ANE from A14/M1 (h13); " +
            "direct-path tools say the MIL→ANE route exists only from h13, and no source establishes ML programs on the A12/A13 ANE (open question 7).",
            Effect.Unknown);
    }
}
