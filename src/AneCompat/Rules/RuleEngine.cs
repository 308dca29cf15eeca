using AneCompat.Graph;
using AneCompat.Targets;

namespace AneCompat.Rules;

/// <summary>Runs the rule catalog over a graph for a target chip. (Being written: the catalog lands with the rule base.)</summary>
public sealed class RuleEngine
{
    public static RuleEngine Default { get; } = new();

    public Analysis Evaluate(ModelGraph graph, ChipProfile target) =>
        new(graph, target, Array.Empty<Finding>(), new Dictionary<int, OpStatus>());
}
