using AneCompat.Graph;
using AneCompat.Targets;

namespace AneCompat.Rules;

/// <summary>Catalog status of an op type (ane-rules.md §2/§3 legend: Y, C, N, F, H, U).</summary>
public enum OpStatus { Supported, Conditional, Unsupported, Folded, Host, Unknown }

/// <summary>The rule base's judgement of one graph for one target: every finding, per op and model-level.</summary>
public sealed class Analysis
{
    private readonly ILookup<int, Finding> _byOp;

    public Analysis(ModelGraph graph, ChipProfile target, IReadOnlyList<Finding> findings, IReadOnlyDictionary<int, OpStatus> statuses)
    {
        Graph = graph;
        Target = target;
        Findings = findings;
        Statuses = statuses;
        _byOp = findings.Where(f => f.OpIndex is not null).ToLookup(f => f.OpIndex!.Value);
    }

    public ModelGraph Graph { get; }
    public ChipProfile Target { get; }
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Catalog status of each op's type (by op index).</summary>
    public IReadOnlyDictionary<int, OpStatus> Statuses { get; }

    public IEnumerable<Finding> ForOp(int opIndex) => _byOp[opIndex];
    public IEnumerable<Finding> ModelLevel => Findings.Where(f => f.OpIndex is null);

    /// <summary>True when some finding says the ANE cannot run this op (eligibility, not placement).</summary>
    public bool IsBlocked(int opIndex) => _byOp[opIndex].Any(f => f.BlocksAne) || ModelLevel.Any(f => f.BlocksAne);
}
