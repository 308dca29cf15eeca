using AneCompat.Graph;

namespace AneCompat.Reporting;

/// <summary>
/// Who produces each value an op reads, and which op owns each nested block: the edges and nesting that the HTML
/// report's graph view draws. Values are looked up per function (names are scoped to a function; a pipeline's members
/// each have their own), the latest producer in execution order winning as in SSA with shadowing.
/// </summary>
internal sealed class ReportDataflow
{
    private readonly Dictionary<(string Function, string Name), int> producers = new();
    private readonly Dictionary<Op, int> parents = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Op, IReadOnlyList<ReportInput>> inputs = new(ReferenceEqualityComparer.Instance);

    public ReportDataflow(IEnumerable<Op> opsInOrder, TypeNames typeNames)
    {
        foreach (var op in opsInOrder)
        {
            var list = new List<ReportInput>();
            foreach (var arg in op.AllArguments)
            {
                if (arg.Name is not { Length: > 0 } name) continue; // inline literal: no edge
                list.Add(new ReportInput(name, typeNames.Of(arg.Type), producers.TryGetValue((op.Function, name), out var from) ? from : null));
            }
            inputs[op] = list;
            foreach (var block in op.Blocks)
                foreach (var inner in block.Ops)
                    parents[inner] = op.Index;
            foreach (var output in op.Outputs)
                producers[(op.Function, output.Name)] = op.Index;
        }
    }

    public IReadOnlyList<ReportInput> InputsOf(Op op) => inputs.TryGetValue(op, out var list) ? list : [];

    public int? ParentOf(Op op) => parents.TryGetValue(op, out var parent) ? parent : null;
}
