namespace AneCompat.Decoders.Espresso;

/// <summary>
/// Espresso layer type (and, for generic layers, its mode code) → canonical op kind (MIL spelling, so rules key on one
/// name whatever the format). Codes come from formats.md d.6 unless a comment says otherwise; an unknown code keeps the
/// generic kind so nothing is claimed that the files do not show.
/// </summary>
internal static class EspressoLayerKinds
{
    private static readonly Dictionary<string, string> ByType = new(StringComparer.Ordinal)
    {
        ["convolution"] = "conv",
        ["deconvolution"] = "conv_transpose",
        ["inner_product"] = "linear",
        ["batchnorm"] = "batch_norm",
        ["batch_norm"] = "batch_norm",
        ["instancenorm_1d"] = "instance_norm",
        ["softmax"] = "softmax",
        ["softmax_nd"] = "softmax",
        ["concat"] = "concat",
        ["general_concat"] = "concat",
        ["reshape"] = "reshape",
        ["transpose"] = "transpose",
        ["upsample"] = "upsample",
        ["expand_dims"] = "expand_dims",
        ["squeeze"] = "squeeze",
        ["split_nd"] = "split",
        ["flatten"] = "flatten",
        ["prelu"] = "prelu",
        ["relu"] = "relu",
        ["tanh"] = "tanh",
        ["rnn_arch"] = "rnn",
        ["dynamic_quantize"] = "dynamic_quantize",
        ["dynamic_dequantize"] = "dynamic_dequantize",
    };

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

    /// <summary>The canonical kind; <paramref name="code"/> reads the layer's numeric keys (null when absent).</summary>
    public static string KindOf(string type, Func<string, long?> code) => type switch
    {
        "pool" => Lookup(PoolByAvgOrMax, code("avg_or_max"), "pool"),
        "activation" => Lookup(ActivationByMode, code("mode"), "activation"),
        "elementwise" => Lookup(ElementwiseByOperation, code("operation"), "elementwise"),
        _ => ByType.TryGetValue(type, out var kind) ? kind : type,
    };

    private static string Lookup(Dictionary<long, string> table, long? code, string fallback) =>
        code is { } c && table.TryGetValue(c, out var kind) ? kind : fallback;
}
