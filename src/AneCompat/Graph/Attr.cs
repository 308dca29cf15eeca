namespace AneCompat.Graph;

/// <summary>
/// Common attribute names. Decoders translate each format's parameters to these so a rule reads the same
/// name whatever the source format.
/// </summary>
public static class Attr
{
    /// <summary>long[] kernel extent, spatial axes only, outermost first: [kH, kW] or [kD, kH, kW].</summary>
    public const string Kernel = "kernel";
    /// <summary>long[] strides per spatial axis.</summary>
    public const string Strides = "strides";
    /// <summary>long[] dilation per spatial axis.</summary>
    public const string Dilations = "dilations";
    /// <summary>long number of groups.</summary>
    public const string Groups = "groups";
    /// <summary>long[] explicit padding [top, bottom, left, right] (or begin/end pairs per axis).</summary>
    public const string Pad = "pad";
    /// <summary>string padding policy: valid, same, custom, same_lower.</summary>
    public const string PadType = "pad_type";
    /// <summary>string padding mode for pad ops: constant, reflect, replicate, symmetric.</summary>
    public const string PadMode = "pad_mode";
    public const string InChannels = "in_channels";
    public const string OutChannels = "out_channels";
    /// <summary>bool: the format's own global-pooling flag (NeuralNetwork globalPooling, espresso is_global); never
    /// inferred from a kernel that happens to cover the input.</summary>
    public const string Global = "global";
    /// <summary>double[] resize/upsample scale factors [sH, sW].</summary>
    public const string Scale = "scale";
    /// <summary>string interpolation or op mode (nearest, bilinear, …).</summary>
    public const string Mode = "mode";
    public const string Axis = "axis";
    public const string Axes = "axes";
    /// <summary>bool: the weight comes from a runtime tensor rather than a constant.</summary>
    public const string DynamicWeights = "dynamic_weights";
    /// <summary>bool: the NeuralNetwork layer is one of the broadcastable/ND family.</summary>
    public const string Broadcastable = "broadcastable";
    /// <summary>string activation fused into the op (espresso fused_relu etc.).</summary>
    public const string FusedActivation = "fused_activation";
    /// <summary>long vocabulary (table rows) of an embedding/lookup.</summary>
    public const string VocabSize = "vocab_size";
    /// <summary>string custom layer class name.</summary>
    public const string CustomClass = "custom_class";
    /// <summary>long[] repetitions per axis of a tile (MIL passes it as the input of the same name).</summary>
    public const string Reps = "reps";
    /// <summary>long k of topk.</summary>
    public const string K = "k";
    /// <summary>string weight quantization: linear, lut, int8_dynamic, per_block, per_channel.</summary>
    public const string Quantization = "quantization";
    /// <summary>long weight bit width when quantized.</summary>
    public const string QuantizationBits = "quantization_bits";
    /// <summary>bool espresso scheduling hints.</summary>
    public const string HintFallbackFromAne = "hint_fallback_from_ane";
    public const string HintFallbackFromMetal = "hint_fallback_from_metal";
    public const string HintFallbackFromCpu = "hint_fallback_from_cpu";
    /// <summary>string[] MIL IntendedBackend attribute.</summary>
    public const string IntendedBackend = "intended_backend";
    /// <summary>string NeuralNetwork unary/activation/reduce sub-type as written (e.g. ReLU, POWER).</summary>
    public const string SubType = "sub_type";
    /// <summary>double alpha, beta of activations and elementwise ops.</summary>
    public const string Alpha = "alpha";
    public const string Beta = "beta";
    /// <summary>double epsilon of normalisations.</summary>
    public const string Epsilon = "epsilon";
}
