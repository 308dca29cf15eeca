using AneCompat.Graph;
using AneCompat.Targets;

namespace AneCompat.Rules;

/// <summary>Catalog status of an op type (ane-rules.md §2/§3 legend: Y, C, N, F, H, U).</summary>
public enum OpStatus { Supported, Conditional, Unsupported, Folded, Host, Unknown }

/// <summary>The rule base's judgement of one graph for one target: every finding, per op and model-level.</summary>
public sealed class Analysis
{
    private readonly ILookup<int, Finding> _byOp;
    private readonly Lazy<Dictionary<int, Op>> _ops;

    public Analysis(ModelGraph graph, ChipProfile target, IReadOnlyList<Finding> findings, IReadOnlyDictionary<int, OpStatus> statuses)
    {
        Graph = graph;
        Target = target;
        Findings = findings;
        Statuses = statuses;
        _byOp = findings.Where(f => f.OpIndex is not null).ToLookup(f => f.OpIndex!.Value);
        _ops = new Lazy<Dictionary<int, Op>>(() => graph.AllOps().GroupBy(o => o.Index).ToDictionary(g => g.Key, g => g.First()));
    }

    public ModelGraph Graph { get; }
    public ChipProfile Target { get; }
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Catalog status of each op's type (by op index).</summary>
    public IReadOnlyDictionary<int, OpStatus> Statuses { get; }

    public IEnumerable<Finding> ForOp(int opIndex) => _byOp[opIndex];
    public IEnumerable<Finding> ModelLevel => Findings.Where(f => f.OpIndex is null);

    /// <summary>
    /// True when some finding says the ANE cannot run this op (eligibility, not placement): one of its own findings,
    /// or a model-level finding about the model (or pipeline member) that contains it.
    /// </summary>
    public bool IsBlocked(int opIndex) =>
        _byOp[opIndex].Any(f => f.BlocksAne) || ModelLevel.Any(f => f.BlocksAne && Covers(f, opIndex));

    private bool Covers(Finding modelFinding, int opIndex)
    {
        if (string.IsNullOrEmpty(modelFinding.ModelPath)) return true;
        if (!_ops.Value.TryGetValue(opIndex, out var op)) return false;
        return op.Function.StartsWith(modelFinding.ModelPath + "/", StringComparison.Ordinal);
    }
}
