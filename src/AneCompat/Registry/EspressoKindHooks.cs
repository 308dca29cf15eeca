namespace AneCompat.Registry;

/// <summary>
/// Attribute normalisation for espresso layers whose kind depends on a numeric mode code (pool, activation,
/// elementwise). Base kinds come from espresso-layers.tsv. Codes come from formats.md d.6 unless a comment says
/// otherwise; an unknown code keeps the generic kind so nothing is claimed that the files do not show.
/// Also the few espresso types the decoder has always read but the fact base (formats.md, hence espresso-layers.tsv)
/// does not list: they name their kind directly and have no status row of their own.
/// </summary>
public static class EspressoKindHooks
{
    /// <summary>pool: <c>avg_or_max</c> 0 = average, 1 = max.</summary>
    private static readonly Dictionary<long, string> PoolByAvgOrMax = new() { [0] = "avg_pool", [1] = "max_pool" };

    /// <summary>
    /// activation: <c>mode</c>. 0 = ReLU (formats.md). 2 = leaky ReLU: the waifu2x corpus model (whose published
    /// architecture uses LeakyReLU with slope 0.1) compiles every activation to mode 2 with alpha 0.1.
    /// </summary>
    private static readonly Dictionary<long, string> ActivationByMode = new() { [0] = "relu", [2] = "leaky_relu" };

    /// <summary>elementwise: <c>operation</c>. 0 add, 1 multiply, 2 add a scalar, 3 multiply by a scalar, 119 clamp (formats.md, inferred there).</summary>
    private static readonly Dictionary<long, string> ElementwiseByOperation = new()
    {
        [0] = "add", [1] = "mul", [2] = "add", [3] = "mul", [119] = "clip",
    };

    /// <summary>
    /// Espresso types outside espresso-layers.tsv (formats.md lists only <c>batchnorm</c> and mode-coded
    /// <c>activation</c>) that the pre-registry decoder table mapped; each names the op kind it spells.
    /// </summary>
    private static readonly Dictionary<string, string> KindByUnlistedType = new(StringComparer.Ordinal)
    {
        ["relu"] = "relu", ["tanh"] = "tanh", ["batch_norm"] = "batch_norm",
    };

    /// <summary>Espresso types that resolve through <see cref="KindByUnlistedType"/> rather than the catalog table.</summary>
    public static IEnumerable<string> UnlistedTypes => KindByUnlistedType.Keys;

    /// <summary>Every kind a mode code or an unlisted type can select (for the registry's coverage test).</summary>
    public static IEnumerable<string> RefinedKinds =>
        PoolByAvgOrMax.Values.Concat(ActivationByMode.Values).Concat(ElementwiseByOperation.Values).Concat(KindByUnlistedType.Values).Distinct();

    /// <summary>The canonical kind; <paramref name="code"/> reads the layer's numeric keys (null when absent).</summary>
    public static OpKind KindOf(string type, Func<string, long?> code)
    {
        if (OpRegistry.Resolve(SpellingFormat.EspressoLayer, type) is not { } baseKind)
            return KindByUnlistedType.TryGetValue(type, out var named) ? OpRegistry.Get(named) : OpRegistry.Unknown;
        var refined = type switch
        {
            "pool" => Lookup(PoolByAvgOrMax, code("avg_or_max")),
            "activation" => Lookup(ActivationByMode, code("mode")),
            "elementwise" => Lookup(ElementwiseByOperation, code("operation")),
            _ => null,
        };
        return refined is null ? baseKind : OpRegistry.Get(refined);
    }

    private static string? Lookup(Dictionary<long, string> table, long? code) =>
        code is { } c && table.TryGetValue(c, out var kind) ? kind : null;
}
