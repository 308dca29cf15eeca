using System.Globalization;
using System.Text.RegularExpressions;
using AneCompat.Graph;

namespace AneCompat.Registry;

/// <summary>Which format a spelling belongs to.</summary>
public enum SpellingFormat { NeuralNetworkLayer, MilOp, EspressoLayer }

/// <summary>
/// The single owner of the op vocabulary: every canonical <see cref="OpKind"/> (op-kinds.tsv: role and cost formula)
/// and every spelling that resolves to one (the <c>kind</c> column of nn-layers.tsv, mil-ops.tsv and
/// espresso-layers.tsv). Decoders ask it what a layer or operation is; rules and the planner ask it what a kind
/// means. Parameter-dependent refinements (a pooling layer's type, an espresso mode code) live in
/// <see cref="NeuralNetworkKindHooks"/> and <see cref="EspressoKindHooks"/> and name only kinds defined here.
/// </summary>
public static partial class OpRegistry
{
    private static readonly Dictionary<string, OpKind> ByName;
    // One map per format (ordinal string keys hash faster than a (format, string) tuple, whose string hash is randomised).
    private static readonly Dictionary<string, OpKind>[] BySpelling =
        Enum.GetValues<SpellingFormat>().Select(_ => new Dictionary<string, OpKind>(StringComparer.Ordinal)).ToArray();

    static OpRegistry()
    {
        ByName = new Dictionary<string, OpKind>(StringComparer.Ordinal);
        foreach (var row in Rows("op-kinds.tsv"))
        {
            var kind = new OpKind(row["kind"], ParseRole(row["role"]), ParseCost(row["cost"], row["factor"]), ParseWork(row["work"]));
            if (!ByName.TryAdd(kind.Name, kind)) throw new InvalidDataException($"op-kinds.tsv defines '{kind.Name}' twice");
        }
        Spell(SpellingFormat.NeuralNetworkLayer, "nn-layers.tsv", "layer", k => k._nn);
        Spell(SpellingFormat.MilOp, "mil-ops.tsv", "op", k => k._mil);
        Spell(SpellingFormat.EspressoLayer, "espresso-layers.tsv", "layer", k => k._espresso);
        Unknown = Get("unknown");
    }

    /// <summary>The kind of anything no table spells (a newer format version, a corrupt file, a custom espresso layer).</summary>
    public static OpKind Unknown { get; }

    /// <summary>Every canonical kind, by name.</summary>
    public static IReadOnlyCollection<OpKind> Kinds => ByName.Values;

    public static OpKind? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The kind called <paramref name="name"/>; throws for a name the registry lacks (a typo in code).</summary>
    public static OpKind Get(string name) =>
        ByName.TryGetValue(name, out var k) ? k : throw new KeyNotFoundException($"op kind '{name}' is not in the registry (op-kinds.tsv)");

    /// <summary>The kind an op's <see cref="Op.Kind"/> names, or <see cref="Unknown"/>.</summary>
    public static OpKind Of(Op op) => Find(op.Kind) ?? Unknown;

    /// <summary>The kind a format's spelling resolves to, before parameter refinements; null when no table spells it.</summary>
    public static OpKind? Resolve(SpellingFormat format, string spelling) => BySpelling[(int)format].GetValueOrDefault(spelling);

    /// <summary>
    /// The kind of a MIL op type as a file writes it: tools may qualify it with its opset (<c>ios17.conv</c>);
    /// a type no opset of the catalog defines is <see cref="Unknown"/>.
    /// </summary>
    public static OpKind MilOp(string type)
    {
        if (Resolve(SpellingFormat.MilOp, type) is { } k) return k;
        var dot = type.IndexOf('.');
        if (dot > 0 && dot < type.Length - 1 && OpsetQualifier().IsMatch(type[..dot]))
            return Resolve(SpellingFormat.MilOp, type[(dot + 1)..]) ?? Unknown;
        return Unknown;
    }

    [GeneratedRegex(@"^(?:ios\d+|coreml\d+)$", RegexOptions.IgnoreCase)]
    private static partial Regex OpsetQualifier();

    private static void Spell(SpellingFormat format, string table, string column, Func<OpKind, List<string>> list)
    {
        foreach (var row in Rows(table))
        {
            var kind = Find(row["kind"]) ?? throw new InvalidDataException(
                $"{table}: '{row[column]}' resolves to kind '{row["kind"]}', which op-kinds.tsv does not define");
            if (!BySpelling[(int)format].TryAdd(row[column], kind)) throw new InvalidDataException($"{table} spells '{row[column]}' twice");
            list(kind).Add(row[column]);
        }
    }

    private static KindRole ParseRole(string role) => role switch
    {
        "compute" => KindRole.Compute,
        "folded" => KindRole.FoldedConstant,
        "host" => KindRole.Host,
        "control" => KindRole.ControlFlow,
        _ => throw new InvalidDataException($"op-kinds.tsv: unknown role '{role}'"),
    };

    private static KindWork ParseWork(string work) => work switch
    {
        "unknown" => KindWork.Unknown,
        "metadata" => KindWork.Metadata,
        "copy" => KindWork.Copy,
        "strided" => KindWork.Strided,
        "vector" => KindWork.Vector,
        "matrix" => KindWork.Matrix,
        _ => throw new InvalidDataException($"op-kinds.tsv: unknown work class '{work}'"),
    };

    private static CostFormula ParseCost(string cost, string factor)
    {
        var shape = cost switch
        {
            "none" => CostShape.NoArithmetic,
            "opaque" => CostShape.Opaque,
            "per_output" => CostShape.PerOutput,
            "per_input" => CostShape.PerInput,
            "conv" => CostShape.Conv,
            "conv_transpose" => CostShape.ConvTranspose,
            "linear" => CostShape.Linear,
            "matmul" => CostShape.Matmul,
            "pool" => CostShape.Pool,
            "recurrent" => CostShape.Recurrent,
            "attention" => CostShape.Attention,
            _ => throw new InvalidDataException($"op-kinds.tsv: unknown cost formula '{cost}'"),
        };
        return shape switch
        {
            CostShape.NoArithmetic => CostFormula.NoArithmetic,
            CostShape.Opaque => CostFormula.Opaque,
            _ => new CostFormula(shape, factor.Length == 0 ? 1 : double.Parse(factor, CultureInfo.InvariantCulture)),
        };
    }

    private static IEnumerable<CompiledTable.Row> Rows(string fileName) => CompiledTable.Get(fileName).Rows;
}
