using System.Reflection;
using System.Text.RegularExpressions;
using AneCompat.Graph;
using System.Text.Json;

namespace AneCompat.Rules.Catalog;

/// <summary>
/// The rule base as data: rules.json, the per-op status tables, model types and the evidence codes, all embedded
/// resources under Rules/Data. Loaded once; read-only afterwards.
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
        var rules = LoadRules(Read("rules.json"));
        var ops = new List<OpEntry>();
        ops.AddRange(Rows(Read("mil-ops.tsv")).Select(r => Entry(OpTable.MilOp, r["op"], r)));
        ops.AddRange(Rows(Read("nn-layers.tsv")).Select(r => Entry(OpTable.NeuralNetworkLayer, r["layer"], r)));
        ops.AddRange(Rows(Read("espresso-layers.tsv")).Select(r => Entry(OpTable.EspressoLayer, r["layer"], r)));
        var types = Rows(Read("model-types.tsv"))
            .Select(r => new ModelTypeEntry(r["type"], r["family"], r["status"], List(r["rules"]), Codes.ParseConfidence(r["conf"]), r["notes"]))
            .ToList();
        var sources = Rows(Read("sources.tsv")).ToDictionary(r => r["code"], r => r["source"], StringComparer.Ordinal);
        return new RuleCatalog(rules, ops, types, sources);
    }

    private static OpEntry Entry(OpTable table, string name, IReadOnlyDictionary<string, string> r) => new(
        table, name, r["kind"], Codes.ParseStatus(r["status"]), r["status"], r["conf"], Codes.ParseConfidence(r["conf"]),
        List(r["rules"]), r["notes"], List(r["evidence"]));

    private static List<RuleDescriptor> LoadRules(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<RuleDescriptor>();
        foreach (var r in doc.RootElement.GetProperty("rules").EnumerateArray())
        {
            string S(string p) => r.GetProperty(p).GetString() ?? "";
            string? N(string p) => r.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            list.Add(new RuleDescriptor(
                S("id"), S("title"), S("section"), S("appliesTo"), S("condition"),
                Enum.Parse<Effect>(S("effect")), S("effectText"), S("confidence"), Codes.ParseConfidence(S("confidence")), S("chips"),
                r.GetProperty("sources").EnumerateArray().Select(x => x.GetString()!).ToList(), S("sourceText"),
                N("fix"), N("fixSafety"),
                r.GetProperty("evaluation").EnumerateArray().Select(x => Enum.Parse<RuleEvaluation>(x.GetString()!, ignoreCase: true)).ToList(),
                r.GetProperty("internal").GetBoolean()));
        }
        return list;
    }

    private static List<string> List(string cell) =>
        cell.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>Rows of a tab-separated table with a header line, as column name → cell.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, string>> Rows(string tsv)
    {
        var lines = tsv.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        var header = lines[0].Split('\t');
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split('\t');
            yield return header.Select((h, i) => (h, v: i < cells.Length ? cells[i].Trim() : "")).ToDictionary(x => x.h, x => x.v, StringComparer.Ordinal);
        }
    }

    internal static string Read(string fileName)
    {
        var name = "AneCompat.Rules.Data." + fileName;
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
