using AneCompat.Schema;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Registry;

/// <summary>
/// Attribute normalisation for NeuralNetwork layers whose kind depends on their parameters: one layer type covering
/// several canonical kinds (a pooling layer's type, an activation's nonlinearity, …), and the broadcastable/ND layer
/// family flag. The base kind of every layer type is the <c>kind</c> column of nn-layers.tsv; these hooks only
/// narrow it, and name only kinds the registry defines (a test resolves every one).
/// </summary>
public static class NeuralNetworkKindHooks
{
    private static readonly Dictionary<ActivationParams.NonlinearityTypeOneofCase, string> Activations = new()
    {
        [ActivationParams.NonlinearityTypeOneofCase.Linear] = "linear_activation",
        [ActivationParams.NonlinearityTypeOneofCase.ReLU] = "relu",
        [ActivationParams.NonlinearityTypeOneofCase.LeakyReLU] = "leaky_relu",
        [ActivationParams.NonlinearityTypeOneofCase.ThresholdedReLU] = "thresholded_relu",
        [ActivationParams.NonlinearityTypeOneofCase.PReLU] = "prelu",
        [ActivationParams.NonlinearityTypeOneofCase.Tanh] = "tanh",
        [ActivationParams.NonlinearityTypeOneofCase.ScaledTanh] = "scaled_tanh",
        [ActivationParams.NonlinearityTypeOneofCase.Sigmoid] = "sigmoid",
        [ActivationParams.NonlinearityTypeOneofCase.SigmoidHard] = "sigmoid_hard",
        [ActivationParams.NonlinearityTypeOneofCase.ELU] = "elu",
        [ActivationParams.NonlinearityTypeOneofCase.Softsign] = "softsign",
        [ActivationParams.NonlinearityTypeOneofCase.Softplus] = "softplus",
        [ActivationParams.NonlinearityTypeOneofCase.ParametricSoftplus] = "softplus_parametric",
    };

    private static readonly Dictionary<PoolingLayerParams.Types.PoolingType, string> Poolings = new()
    {
        [PoolingLayerParams.Types.PoolingType.Max] = "max_pool",
        [PoolingLayerParams.Types.PoolingType.Average] = "avg_pool",
        [PoolingLayerParams.Types.PoolingType.L2] = "l2_pool",
    };

    private static readonly Dictionary<UnaryFunctionLayerParams.Types.Operation, string> Unaries = new()
    {
        [UnaryFunctionLayerParams.Types.Operation.Sqrt] = "sqrt",
        [UnaryFunctionLayerParams.Types.Operation.Rsqrt] = "rsqrt",
        [UnaryFunctionLayerParams.Types.Operation.Inverse] = "inverse",
        [UnaryFunctionLayerParams.Types.Operation.Power] = "pow",
        [UnaryFunctionLayerParams.Types.Operation.Exp] = "exp",
        [UnaryFunctionLayerParams.Types.Operation.Log] = "log",
        [UnaryFunctionLayerParams.Types.Operation.Abs] = "abs",
        [UnaryFunctionLayerParams.Types.Operation.Threshold] = "threshold",
    };

    private static readonly Dictionary<ReduceLayerParams.Types.ReduceOperation, string> Reductions = new()
    {
        [ReduceLayerParams.Types.ReduceOperation.Sum] = "reduce_sum",
        [ReduceLayerParams.Types.ReduceOperation.Avg] = "reduce_mean",
        [ReduceLayerParams.Types.ReduceOperation.Prod] = "reduce_prod",
        [ReduceLayerParams.Types.ReduceOperation.Logsum] = "reduce_log_sum",
        [ReduceLayerParams.Types.ReduceOperation.Sumsquare] = "reduce_sum_square",
        [ReduceLayerParams.Types.ReduceOperation.L1] = "reduce_l1_norm",
        [ReduceLayerParams.Types.ReduceOperation.L2] = "reduce_l2_norm",
        [ReduceLayerParams.Types.ReduceOperation.Max] = "reduce_max",
        [ReduceLayerParams.Types.ReduceOperation.Min] = "reduce_min",
        [ReduceLayerParams.Types.ReduceOperation.Argmax] = "reduce_argmax",
    };

    private static readonly Dictionary<ReorganizeDataLayerParams.Types.ReorganizationType, string> Reorganizations = new()
    {
        [ReorganizeDataLayerParams.Types.ReorganizationType.SpaceToDepth] = "space_to_depth",
        [ReorganizeDataLayerParams.Types.ReorganizationType.DepthToSpace] = "depth_to_space",
        [ReorganizeDataLayerParams.Types.ReorganizationType.PixelShuffle] = "pixel_shuffle",
    };

    private static string Pick<TKey>(Dictionary<TKey, string> table, TKey key, string fallback) where TKey : notnull =>
        table.TryGetValue(key, out var kind) ? kind : fallback;

    /// <summary>Layer types whose kind depends on their parameters.</summary>
    public static IReadOnlyDictionary<L, Func<NeuralNetworkLayer, string>> Refinements { get; } = new Dictionary<L, Func<NeuralNetworkLayer, string>>
    {
        [L.Convolution] = l => l.Convolution.IsDeconvolution ? "conv_transpose" : "conv",
        [L.Convolution3D] = l => l.Convolution3D.IsDeconvolution ? "conv_transpose" : "conv",
        [L.Pooling] = l => Pick(Poolings, l.Pooling.Type, "pool"),
        [L.Pooling3D] = l => l.Pooling3D.Type == Pooling3DLayerParams.Types.PoolingType3D.Max ? "max_pool" : "avg_pool",
        [L.GlobalPooling3D] = l => l.GlobalPooling3D.Type == GlobalPooling3DLayerParams.Types.GlobalPoolingType3D.Max ? "max_pool" : "avg_pool",
        [L.Activation] = l => Pick(Activations, l.Activation.NonlinearityTypeCase, "activation"),
        [L.Batchnorm] = l => l.Batchnorm.InstanceNormalization ? "instance_norm" : "batch_norm",
        [L.Upsample] = l => l.Upsample.Mode == UpsampleLayerParams.Types.InterpolationMode.Bilinear ? "upsample_bilinear" : "upsample_nearest_neighbor",
        [L.Unary] = l => Pick(Unaries, l.Unary.Type, "unary"),
        [L.Reduce] = l => Pick(Reductions, l.Reduce.Mode, "reduce"),
        [L.ReorganizeData] = l => Pick(Reorganizations, l.ReorganizeData.Mode, "reorganize_data"),
    };

    /// <summary>Every kind a refinement can produce (for the registry's coverage test).</summary>
    public static IEnumerable<string> RefinedKinds =>
        Activations.Values.Concat(Poolings.Values).Concat(Unaries.Values).Concat(Reductions.Values).Concat(Reorganizations.Values)
            .Concat(new[] { "pool", "activation", "unary", "reduce", "reorganize_data", "conv", "conv_transpose", "max_pool", "avg_pool",
                "batch_norm", "instance_norm", "upsample_bilinear", "upsample_nearest_neighbor" })
            .Distinct();

    /// <summary>The broadcastable/ND layer family (NN-BROADCASTABLE-ND): layers added in spec 4 with N-d broadcasting semantics.</summary>
    public static IReadOnlySet<L> Broadcastable { get; } = new HashSet<L>
    {
        L.ModBroadcastable, L.MinBroadcastable, L.MaxBroadcastable, L.AddBroadcastable, L.PowBroadcastable, L.DivideBroadcastable,
        L.FloorDivBroadcastable, L.MultiplyBroadcastable, L.SubtractBroadcastable, L.GatherND, L.ScatterND, L.SoftmaxND, L.SplitND,
        L.ConcatND, L.EmbeddingND, L.LoadConstantND, L.WhereBroadcastable,
    };

    /// <summary>
    /// Shape inference for NeuralNetwork layers: the decoder's rules (Decoders/NeuralNetwork/Shapes), keyed by layer
    /// type like the base kinds here; referenced, not duplicated, so one function answers an NN layer's output shapes.
    /// </summary>
    internal static Func<NeuralNetworkLayer, IReadOnlyList<Graph.TensorShape>, IReadOnlyList<Graph.TensorShape>> ShapeInference { get; } =
        Decoders.NeuralNetwork.Shapes.NeuralNetworkShapeRules.Infer;

    /// <summary>The canonical kind of one layer: its type's base kind (nn-layers.tsv), narrowed by its parameters.</summary>
    /// <param name="sourceName">The layer type as the format spells it (the oneof member name).</param>
    public static OpKind KindOf(NeuralNetworkLayer layer, string sourceName)
    {
        if (OpRegistry.Resolve(SpellingFormat.NeuralNetworkLayer, sourceName) is not { } baseKind) return OpRegistry.Unknown;
        return Refinements.TryGetValue(layer.LayerCase, out var refine) ? OpRegistry.Get(refine(layer)) : baseKind;
    }
}
