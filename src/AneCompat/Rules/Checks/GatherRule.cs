using AneCompat.Registry;
using AneCompat.Rules.Catalog;

namespace AneCompat.Rules.Checks;

/// <summary>
/// GATHER: the evidence conflicts (never on the ANE per hollance/smpanaro; "resides on ANE" per a coremltools
/// comment; Apple's own ANE DistilBERT kept its embedding lookups on CPU). The fact base predicts CPU unless the table is
/// constant with ≤ 32768 rows and the indices are a model input — then it is the best case, still unknown.
/// </summary>
public sealed class GatherRule : IOpRule
{
    private const string Dispute =
        "evidence conflicts: not on the ANE 'no matter the size' (macOS 14/M1) and Apple's ANE DistilBERT kept its embedding lookups on CPU, while a coremltools comment says gather resides on the ANE and the direct path runs it natively on h14+ (open question 2)";

    public IReadOnlyList<RuleDescriptor> Rules { get; } = new[] { Descriptors.Gather };
    public IReadOnlyCollection<OpKind> Kinds { get; } = new[] { OpKinds.Gather, OpKinds.Embedding };

    public IEnumerable<Finding> Check(OpContext ctx)
    {
        var rows = LookupRowsRule.Rows(ctx);
        var constantTable = ctx.Op.Is(OpKinds.Embedding) || ctx.Op.Arg("x") is { IsConstant: true } || rows is not null;
        var indices = ctx.Op.Arg("indices") ?? (ctx.Op.Is(OpKinds.Embedding) ? ctx.Op.Arg("x") : null);
        var indicesFromInput = indices is not null && ctx.IsModelInput(indices);
        if (constantTable && rows is { } r && r <= ctx.Target.MaxLookupRows && indicesFromInput)
        {
            yield return ctx.Report(Descriptors.Gather,
                $"{ctx.Label}: constant table of {r} rows (≤ {ctx.Target.MaxLookupRows}) indexed by model input '{indices}': the best case for the ANE, but {Dispute}.",
                Effect.Unknown);
            yield break;
        }
        var why = !constantTable ? "the table is a runtime tensor"
            : rows is { } n && n > ctx.Target.MaxLookupRows ? $"the table has {n} rows (> {ctx.Target.MaxLookupRows})"
            : rows is null ? "the table size is unknown"
            : indices is null ? "the indices are not visible"
            : $"the indices '{indices}' are computed in the graph (int index math runs on the CPU)";
        yield return ctx.Report(Descriptors.Gather, $"{ctx.Label}: predicted CPU because {why}; {Dispute}.");
    }
}
