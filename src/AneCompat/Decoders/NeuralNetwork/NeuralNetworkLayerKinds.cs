using AneCompat.Decoders.Protobuf;
using AneCompat.Registry;
using AneCompat.Schema;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// How a NeuralNetwork layer type maps to a canonical op kind, as the registry defines it.
/// <paramref name="Broadcastable"/> marks the broadcastable/ND layer family; <paramref name="Refine"/> picks the kind
/// from the layer's parameters when one layer type covers several ops (pooling type, activation type, …).
/// </summary>
public sealed record LayerKind(string Kind, bool Broadcastable = false, Func<NeuralNetworkLayer, string>? Refine = null)
{
    public string KindOf(NeuralNetworkLayer layer) => Refine?.Invoke(layer) ?? Kind;
}

/// <summary>
/// The layer oneof seen through the op registry: each case's spelling (the oneof member name) and its kind. No
/// spellings are kept here: base kinds come from nn-layers.tsv, refinements from <see cref="NeuralNetworkKindHooks"/>.
/// </summary>
public static class NeuralNetworkLayerKinds
{
    // The oneof's members straight from the schema tables (SchemaTablesTests keeps them in step with the enum).
    private static readonly Dictionary<L, string> SourceNames = SchemaTables.OneofMemberNames($"{nameof(NeuralNetworkLayer)}.layer")
        .ToDictionary(kv => (L)kv.Key, kv => kv.Value);

    /// <summary>Every member of the layer oneof the registry spells, keyed by the generated case.</summary>
    public static IReadOnlyDictionary<L, LayerKind> Table { get; } = SourceNames
        .Where(kv => OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, kv.Value) is not null)
        .ToDictionary(kv => kv.Key, kv => new LayerKind(
            OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, kv.Value)!.Name,
            NeuralNetworkKindHooks.Broadcastable.Contains(kv.Key),
            NeuralNetworkKindHooks.Refinements.GetValueOrDefault(kv.Key)));

    /// <summary>The layer type name exactly as the format spells it (the oneof member name).</summary>
    public static string SourceName(L layerCase) => SourceNames.TryGetValue(layerCase, out var name) ? name : "unknown";

    public static LayerKind? Find(L layerCase) => Table.TryGetValue(layerCase, out var kind) ? kind : null;
}
