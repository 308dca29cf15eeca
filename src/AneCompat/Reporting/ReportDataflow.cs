using AneCompat.Graph;
using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>
/// Who produces each value an op reads, and which op owns each nested block: the edges and nesting that the HTML
/// report's graph view draws. Values are looked up per function (names are scoped to a function; a pipeline's members
/// each have their own), the latest producer in execution order winning as in SSA with shadowing.
/// </summary>
internal sealed class ReportDataflow
{
    private readonly ValuesByFunction<int> producers;
    private readonly Dictionary<Op, int> parents = new(ReferenceEqualityComparer.Instance);
    // By position in the plan: one exact-size array per op, and no map keyed by op (a 100k-op program has 100k of them).
    private readonly ReportInput[][] inputs;

    public ReportDataflow(IReadOnlyList<PlannedOp> opsInOrder, TypeNames typeNames)
    {
        producers = new(opsInOrder.Count);
        inputs = new ReportInput[opsInOrder.Count][];
        for (var i = 0; i < opsInOrder.Count; i++)
        {
            var op = opsInOrder[i].Op;
            var named = 0;
            foreach (var arg in op.AllArguments)
                if (arg.Name is { Length: > 0 }) named++;
            var list = named == 0 ? [] : new ReportInput[named];
            var n = 0;
            foreach (var arg in op.AllArguments)
            {
                if (arg.Name is not { Length: > 0 } name) continue; // inline literal: no edge
                list[n++] = new ReportInput(name, typeNames.Of(arg.Type), producers.TryGetValue(op.Function, name, out var from) ? from : null);
            }
            inputs[i] = list;
            foreach (var block in op.Blocks)
                foreach (var inner in block.Ops)
                    parents[inner] = op.Index;
            foreach (var output in op.Outputs)
                producers.Set(op.Function, output.Name, op.Index);
        }
    }

    /// <summary>The inputs of the op at <paramref name="position"/> in the plan's op list.</summary>
    public IReadOnlyList<ReportInput> InputsOf(int position) => inputs[position];

    public int? ParentOf(Op op) => parents.TryGetValue(op, out var parent) ? parent : null;
}
