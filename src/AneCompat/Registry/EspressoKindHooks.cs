namespace AneCompat.Registry;

/// <summary>
/// Attribute normalisation for espresso layers whose kind depends on a numeric mode code (pool, activation,
/// elementwise). Base kinds come from espresso-layers.tsv. Codes come from formats.md d.6 unless a comment says
/// otherwise; an unknown code keeps the generic kind so nothing is claimed that the files do not show.
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

    /// <summary>Every kind a mode code can select (for the registry's coverage test).</summary>
    public static IEnumerable<string> RefinedKinds =>
        PoolByAvgOrMax.Values.Concat(ActivationByMode.Values).Concat(ElementwiseByOperation.Values).Distinct();

    /// <summary>The canonical kind; <paramref name="code"/> reads the layer's numeric keys (null when absent).</summary>
    public static OpKind KindOf(string type, Func<string, long?> code)
    {
        if (OpRegistry.Resolve(SpellingFormat.EspressoLayer, type) is not { } baseKind) return OpRegistry.Unknown;
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
