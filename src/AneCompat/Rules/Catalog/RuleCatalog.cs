using System.Text.RegularExpressions;
using AneCompat.Graph;
using AneCompat.Registry;

namespace AneCompat.Rules.Catalog;

/// <summary>
/// The rule base as data: rules.json, the per-op status tables, model types and the evidence codes under Rules/Data,
/// compiled into the assembly (CompiledRules.g.cs, CompiledTables.g.cs). Loaded once; read-only afterwards.
/// </summary>
public sealed partial class RuleCatalog
{
    private readonly Dictionary<string, RuleDescriptor> _rules;
    private readonly Dictionary<(OpTable, string), OpEntry> _ops;
    private readonly Dictionary<string, ModelTypeEntry> _modelTypes;

    public static RuleCatalog Default { get; } = Load();

    private RuleCatalog(IReadOnlyList<RuleDescriptor> rules, IReadOnlyList<OpEntry> ops, IReadOnlyList<ModelTypeEntry> modelTypes, IReadOnlyDictionary<string, string> sources)
    {
        Rules = rules;
        Ops = ops;
        ModelTypes = modelTypes;
        Sources = sources;
        _rules = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _ops = ops.ToDictionary(o => (o.Table, o.Name));
        _modelTypes = modelTypes.ToDictionary(m => m.Type, StringComparer.Ordinal);
    }

    public IReadOnlyList<RuleDescriptor> Rules { get; }
    public IReadOnlyList<OpEntry> Ops { get; }
    public IReadOnlyList<ModelTypeEntry> ModelTypes { get; }

    /// <summary>Evidence code → description (ane-rules.md §6).</summary>
    public IReadOnlyDictionary<string, string> Sources { get; }

    public RuleDescriptor? Find(string id) => _rules.GetValueOrDefault(id);

    public RuleDescriptor Rule(string id) =>
        _rules.TryGetValue(id, out var r) ? r : throw new KeyNotFoundException($"rule '{id}' is not in the catalog");

    public OpEntry? Op(OpTable table, string name) => _ops.GetValueOrDefault((table, name));

    /// <summary>Finds the op's table row: MIL ops for ML programs, NeuralNetwork then espresso layers for NN models.</summary>
    public OpEntry? Lookup(ModelGraph graph, ModelNode node, string source)
    {
        IEnumerable<OpTable> order = node.Family switch
        {
            ModelFamily.MlProgram => new[] { OpTable.MilOp },
            ModelFamily.NeuralNetwork when graph.Container == ContainerKind.MlModelC => new[] { OpTable.EspressoLayer, OpTable.NeuralNetworkLayer },
            ModelFamily.NeuralNetwork => new[] { OpTable.NeuralNetworkLayer, OpTable.EspressoLayer },
            _ => new[] { OpTable.MilOp, OpTable.NeuralNetworkLayer, OpTable.EspressoLayer },
        };
        foreach (var table in order)
        {
            if (Op(table, source) is { } e) return e;
            if (table != OpTable.MilOp) continue;
            // Tools write opset-qualified names (ios17.conv) and metadata.json camel-cases them (Ios16.reduceArgmax).
            var bare = OpsetPrefix().Replace(source, "");
            if (Op(table, bare) is { } b) return b;
            if (Op(table, CamelToSnake(bare)) is { } s) return s;
        }
        return null;
    }

    private static string CamelToSnake(string s) => CamelBoundary().Replace(s, "$1_$2").ToLowerInvariant();

    [GeneratedRegex(@"^(?:ios\d+|coreml\d+)\.", RegexOptions.IgnoreCase)]
    private static partial Regex OpsetPrefix();

    [GeneratedRegex(@"([a-z0-9])([A-Z])")]
    private static partial Regex CamelBoundary();

    public ModelTypeEntry? ModelType(string type) => _modelTypes.GetValueOrDefault(type);

    public IEnumerable<OpEntry> Table(OpTable table) => Ops.Where(o => o.Table == table);

    private static RuleCatalog Load()
    {
        var rules = CompiledRules.All();
        var ops = new List<OpEntry>();
        ops.AddRange(Rows("mil-ops.tsv").Select(r => Entry(OpTable.MilOp, r["op"], r)));
        ops.AddRange(Rows("nn-layers.tsv").Select(r => Entry(OpTable.NeuralNetworkLayer, r["layer"], r)));
        ops.AddRange(Rows("espresso-layers.tsv").Select(r => Entry(OpTable.EspressoLayer, r["layer"], r)));
        var types = Rows("model-types.tsv")
            .Select(r => new ModelTypeEntry(r["type"], r["family"], r["status"], List(r["rules"]), Codes.ParseConfidence(r["conf"]), r["notes"]))
            .ToList();
        var sources = Rows("sources.tsv").ToDictionary(r => r["code"], r => r["source"], StringComparer.Ordinal);
        return new RuleCatalog(rules, ops, types, sources);
    }

    private static IEnumerable<CompiledTable.Row> Rows(string fileName) => CompiledTable.Get(fileName).Rows;

    private static OpEntry Entry(OpTable table, string name, CompiledTable.Row r) => new(
        table, name, r["kind"], Codes.ParseStatus(r["status"]), r["status"], r["conf"], Codes.ParseConfidence(r["conf"]),
        List(r["rules"]), r["notes"], List(r["evidence"]));

    private static List<string> List(string cell) =>
        cell.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
