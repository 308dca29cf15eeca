using AneCompat.Graph;
using AneCompat.Registry;
using AneCompat.Targets;

namespace AneCompat.Rules;

/// <summary>Catalog status of an op type (ane-rules.md §2/§3 legend: Y, C, N, F, H, U).</summary>
public enum OpStatus { Supported, Conditional, Unsupported, Folded, Host, Unknown }

/// <summary>The rule base's judgement of one graph for one target: every finding, per op and model-level.</summary>
public sealed class Analysis
{
    // Concrete maps, not the interfaces: the planner asks about every op several times (role, blocker), and each
    // question through ILookup / IReadOnlyDictionary was an interface call and an enumerator.
    private readonly Dictionary<int, Finding[]> _byOp;
    private readonly Dictionary<int, OpStatus> _statusMap;
    private readonly Lazy<Dictionary<int, Op>> _ops;
    // Kept once: BlockerOf asks for every op, and re-filtering every finding per op is quadratic when both are many.
    private readonly Finding[] _modelLevel;
    private readonly Finding[] _modelBlockers;

    public Analysis(ModelGraph graph, ChipProfile target, IReadOnlyList<Finding> findings, IReadOnlyDictionary<int, OpStatus> statuses)
    {
        Graph = graph;
        Target = target;
        Findings = findings;
        Statuses = statuses;
        _byOp = findings.Where(f => f.OpIndex is not null).GroupBy(f => f.OpIndex!.Value).ToDictionary(g => g.Key, g => g.ToArray());
        // The engine hands a Dictionary; any other map is copied once, so lookups take one path.
        _statusMap = statuses as Dictionary<int, OpStatus> ?? new Dictionary<int, OpStatus>(statuses);
        _modelLevel = findings.Where(f => f.OpIndex is null).ToArray();
        _modelBlockers = _modelLevel.Where(f => f.BlocksAne).ToArray();
        _ops = new Lazy<Dictionary<int, Op>>(() => graph.AllOps().GroupBy(o => o.Index).ToDictionary(g => g.Key, g => g.First()));
    }

    public ModelGraph Graph { get; }
    public ChipProfile Target { get; }
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Catalog status of each op's type (by op index).</summary>
    public IReadOnlyDictionary<int, OpStatus> Statuses { get; }

    public IEnumerable<Finding> ForOp(int opIndex) => FindingsOf(opIndex);

    /// <summary>The op's own findings in order (an empty array when it has none).</summary>
    internal Finding[] FindingsOf(int opIndex) => _byOp.TryGetValue(opIndex, out var own) ? own : [];
    public IEnumerable<Finding> ModelLevel => _modelLevel;

    /// <summary>
    /// True when some finding says the ANE cannot run this op (eligibility, not placement): one of its own findings,
    /// or a model-level finding about the model (or pipeline member) that contains it.
    /// </summary>
    public bool IsBlocked(int opIndex) => _ops.Value.TryGetValue(opIndex, out var op)
        ? BlockerOf(op) is not null
        : FindingsOf(opIndex).Any(f => f.BlocksAne) || ModelLevel.Any(f => f.BlocksAne && string.IsNullOrEmpty(f.ModelPath));

    public bool IsBlocked(Op op) => BlockerOf(op) is not null;

    /// <summary>
    /// The finding that takes this op off the ANE, or null when it is ANE-eligible: its own first blocking finding,
    /// else the first blocking model-level finding about the model or pipeline member that contains it. A finding
    /// about one member (a classical NMS model) never blocks the ops of another (the detector before it).
    /// Folded and host ops are never "blocked": they are not ANE work at all.
    /// </summary>
    public Finding? BlockerOf(Op op)
    {
        if (IsFolded(op) || IsHost(op)) return null;
        foreach (var f in FindingsOf(op.Index))
            if (f.BlocksAne) return f;
        foreach (var f in _modelBlockers)
            if (Covers(f, op)) return f;
        return null;
    }

    /// <summary>
    /// Folded at conversion or load (placement-neutral): the op kind is a constant by nature, its catalog row says
    /// folded, or a finding says so. The one answer to "is this op a constant" for placement.
    /// </summary>
    public bool IsFolded(Op op)
    {
        return StatusOf(op) == OpStatus.Folded || Has(op, Effect.Folded) || OpKinds.IsConstant(op);
    }

    /// <summary>Host-side work by nature (runs on the CPU outside the network); never both folded and host.</summary>
    public bool IsHost(Op op)
    {
        if (IsFolded(op)) return false;
        return StatusOf(op) == OpStatus.Host || Has(op, Effect.Host);
    }

    /// <summary>The rule that makes <paramref name="op"/> host-side work, when one does.</summary>
    public string? HostRule(Op op) => FindingsOf(op.Index).FirstOrDefault(f => f.Effect == Effect.Host)?.RuleId;

    private OpStatus StatusOf(Op op) => _statusMap.GetValueOrDefault(op.Index);

    private bool Has(Op op, Effect effect)
    {
        foreach (var f in FindingsOf(op.Index))
            if (f.Effect == effect) return true;
        return false;
    }

    private static bool Covers(Finding modelFinding, Op op) =>
        string.IsNullOrEmpty(modelFinding.ModelPath)
        || op.Function.StartsWith(modelFinding.ModelPath + "/", StringComparison.Ordinal);
}
