using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>
/// What only some renderers read about each op — its output texts, its inputs with their producers, the op that owns
/// its block — computed when first asked and kept for the report. The default text report and folder runs never ask,
/// so a report build formats no type and indexes no dataflow (every byte allocated per op costs fresh pages).
/// Renderers may read one report from several threads: the shared caches are filled under a lock.
/// </summary>
internal sealed class ReportOpDetails(IReadOnlyList<PlannedOp> opsInOrder)
{
    private readonly object _gate = new();
    private TypeNames? _typeNames;
    private string[]?[]? _outputs;
    private ReportDataflow? _dataflow;

    /// <summary>"y: tensor&lt;fp16, [1, 3]&gt;" for each output of the op at <paramref name="position"/> in the plan.</summary>
    public IReadOnlyList<string> OutputsOf(int position)
    {
        lock (_gate)
        {
            _outputs ??= new string[opsInOrder.Count][];
            return _outputs[position] ??= OutputTexts(position);
        }
    }

    /// <summary>The inputs of the op at <paramref name="position"/>, each with the op that produced it.</summary>
    public IReadOnlyList<ReportInput> InputsOf(int position)
    {
        lock (_gate) return Dataflow().InputsOf(position);
    }

    /// <summary>For the op at <paramref name="position"/> inside a nested block, the index of the op owning the block.</summary>
    public int? ParentOf(int position)
    {
        lock (_gate) return Dataflow().ParentOf(opsInOrder[position].Op);
    }

    private ReportDataflow Dataflow() => _dataflow ??= new ReportDataflow(opsInOrder, TypeNames());

    private TypeNames TypeNames() => _typeNames ??= new TypeNames();

    private string[] OutputTexts(int position)
    {
        var outputs = opsInOrder[position].Op.Outputs;
        if (outputs.Count == 0) return [];
        var typeNames = TypeNames();
        var texts = new string[outputs.Count];
        for (var i = 0; i < texts.Length; i++)
            texts[i] = $"{outputs[i].Name}: {typeNames.Of(outputs[i].Type)}";
        return texts;
    }
}
