using AneCompat.Graph;
using AneCompat.Rules.Catalog;
using AneCompat.Targets;

namespace AneCompat.Rules;

/// <summary>What a model-level check sees: one model node (root or pipeline member) of the graph, for one target.</summary>
public sealed class ModelContext
{
    // A model spells few distinct op types: each is looked up in the status tables once per node and evaluation,
    // for the model checks and the op checks alike (the lookup allocates, and may run regexes, when not found).
    private readonly Dictionary<string, OpEntry?> _entries = new(StringComparer.Ordinal);

    internal ModelContext(ModelGraph graph, ModelNode node, ChipProfile target, RuleCatalog catalog)
    {
        Graph = graph;
        Node = node;
        Target = target;
        Catalog = catalog;
    }

    public ModelGraph Graph { get; }
    public ModelNode Node { get; }
    public ChipProfile Target { get; }
    public RuleCatalog Catalog { get; }

    public bool IsRoot => Node.Path.Length == 0;

    /// <summary>The status-table row of an op type spelled <paramref name="source"/> in this node (<see cref="RuleCatalog.Lookup"/>), looked up once.</summary>
    public OpEntry? Entry(string source)
    {
        if (!_entries.TryGetValue(source, out var entry)) _entries[source] = entry = Catalog.Lookup(Graph, Node, source);
        return entry;
    }

    /// <summary>Every op of this node's functions (nested blocks included), not of its children.</summary>
    public IEnumerable<Op> Ops => Node.Functions.SelectMany(f => f.Body.AllOps());

    /// <summary>Node label for messages: "model" for the root, else "pipeline member models[1] (name)".</summary>
    public string Label => IsRoot ? "model" : $"pipeline member {Node.Path}" + (Node.Name is null ? "" : $" ({Node.Name})");

    /// <summary>A model-level finding about this node, with the catalog's metadata for <paramref name="rule"/>.</summary>
    public Finding Report(RuleDescriptor rule, string message, Effect? effect = null, Confidence? confidence = null) =>
        new(rule.Id, null, effect ?? rule.Effect, confidence ?? rule.Confidence, rule.Sources, message, rule.Fix)
        {
            ModelPath = Node.Path,
            Descriptor = rule,
        };
}
