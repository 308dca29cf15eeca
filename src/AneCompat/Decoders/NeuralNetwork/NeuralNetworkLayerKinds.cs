using AneCompat.Schema;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// How a NeuralNetwork layer type maps to a canonical (MIL-style) op kind.
/// <paramref name="Broadcastable"/> marks the broadcastable/ND layer family; <paramref name="Refine"/> picks the kind
/// from the layer's parameters when one layer type covers several ops (pooling type, activation type, …).
/// </summary>
public sealed record LayerKind(string Kind, bool Broadcastable = false, Func<NeuralNetworkLayer, string>? Refine = null)
{
    public string KindOf(NeuralNetworkLayer layer) => Refine?.Invoke(layer) ?? Kind;
}

/// <summary>The canonical kind of every NeuralNetwork layer type, as data.</summary>
public static class NeuralNetworkLayerKinds
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

    /// <summary>Every member of the layer oneof (158 of them), keyed by the generated case.</summary>
    public static IReadOnlyDictionary<L, LayerKind> Table { get; } = new Dictionary<L, LayerKind>
    {
        // Core layers
        [L.Convolution] = new("conv", Refine: l => l.Convolution.IsDeconvolution ? "conv_transpose" : "conv"),
        [L.Pooling] = new("pool", Refine: l => Pick(Poolings, l.Pooling.Type, "pool")),
        [L.Activation] = new("activation", Refine: l => Pick(Activations, l.Activation.NonlinearityTypeCase, "activation")),
        [L.InnerProduct] = new("linear"),
        [L.Embedding] = new("gather"),
        [L.Batchnorm] = new("batch_norm", Refine: l => l.Batchnorm.InstanceNormalization ? "instance_norm" : "batch_norm"),
        [L.Mvn] = new("mean_variance_norm"),
        [L.L2Normalize] = new("l2_norm"),
        [L.Softmax] = new("softmax"),
        [L.Lrn] = new("local_response_norm"),
        [L.Crop] = new("crop"),
        [L.Padding] = new("pad"),
        [L.Upsample] = new("upsample_nearest_neighbor", Refine: l =>
            l.Upsample.Mode == UpsampleLayerParams.Types.InterpolationMode.Bilinear ? "upsample_bilinear" : "upsample_nearest_neighbor"),
        [L.ResizeBilinear] = new("resize_bilinear"),
        [L.CropResize] = new("crop_resize"),
        [L.Unary] = new("unary", Refine: l => Pick(Unaries, l.Unary.Type, "unary")),
        [L.Add] = new("add"),
        [L.Multiply] = new("mul"),
        [L.Average] = new("average"),
        [L.Scale] = new("mul"),
        [L.Bias] = new("add"),
        [L.Max] = new("maximum"),
        [L.Min] = new("minimum"),
        [L.Dot] = new("dot_product"),
        [L.Reduce] = new("reduce", Refine: l => Pick(Reductions, l.Reduce.Mode, "reduce")),
        [L.LoadConstant] = new("const"),
        [L.Reshape] = new("reshape"),
        [L.Flatten] = new("flatten"),
        [L.Permute] = new("transpose"),
        [L.Concat] = new("concat"),
        [L.Split] = new("split"),
        [L.SequenceRepeat] = new("sequence_repeat"),
        [L.ReorganizeData] = new("reorganize_data", Refine: l => Pick(Reorganizations, l.ReorganizeData.Mode, "reorganize_data")),
        [L.Slice] = new("slice_by_index"),
        [L.SimpleRecurrent] = new("rnn"),
        [L.Gru] = new("gru"),
        [L.UniDirectionalLSTM] = new("lstm"),
        [L.BiDirectionalLSTM] = new("lstm"),
        [L.Custom] = new("custom"),

        // Control flow
        [L.Copy] = new("identity"),
        [L.Branch] = new("cond"),
        [L.Loop] = new("while_loop"),
        [L.LoopBreak] = new("loop_break"),
        [L.LoopContinue] = new("loop_continue"),
        [L.RangeStatic] = new("range_1d"),
        [L.RangeDynamic] = new("range_1d"),

        // Element-wise unary
        [L.Clip] = new("clip"),
        [L.Ceil] = new("ceil"),
        [L.Floor] = new("floor"),
        [L.Sign] = new("sign"),
        [L.Round] = new("round"),
        [L.Exp2] = new("exp2"),
        [L.Sin] = new("sin"),
        [L.Cos] = new("cos"),
        [L.Tan] = new("tan"),
        [L.Asin] = new("asin"),
        [L.Acos] = new("acos"),
        [L.Atan] = new("atan"),
        [L.Sinh] = new("sinh"),
        [L.Cosh] = new("cosh"),
        [L.Tanh] = new("tanh"),
        [L.Asinh] = new("asinh"),
        [L.Acosh] = new("acosh"),
        [L.Atanh] = new("atanh"),
        [L.Erf] = new("erf"),
        [L.Gelu] = new("gelu"),

        // Broadcasting comparison, logic and arithmetic
        [L.Equal] = new("equal"),
        [L.NotEqual] = new("not_equal"),
        [L.LessThan] = new("less"),
        [L.LessEqual] = new("less_equal"),
        [L.GreaterThan] = new("greater"),
        [L.GreaterEqual] = new("greater_equal"),
        [L.LogicalOr] = new("logical_or"),
        [L.LogicalXor] = new("logical_xor"),
        [L.LogicalNot] = new("logical_not"),
        [L.LogicalAnd] = new("logical_and"),
        [L.ModBroadcastable] = new("mod", Broadcastable: true),
        [L.MinBroadcastable] = new("minimum", Broadcastable: true),
        [L.MaxBroadcastable] = new("maximum", Broadcastable: true),
        [L.AddBroadcastable] = new("add", Broadcastable: true),
        [L.PowBroadcastable] = new("pow", Broadcastable: true),
        [L.DivideBroadcastable] = new("real_div", Broadcastable: true),
        [L.FloorDivBroadcastable] = new("floor_div", Broadcastable: true),
        [L.MultiplyBroadcastable] = new("mul", Broadcastable: true),
        [L.SubtractBroadcastable] = new("sub", Broadcastable: true),

        // Tensor manipulation
        [L.Tile] = new("tile"),
        [L.Stack] = new("stack"),
        [L.Gather] = new("gather"),
        [L.Scatter] = new("scatter"),
        [L.GatherND] = new("gather_nd", Broadcastable: true),
        [L.ScatterND] = new("scatter_nd", Broadcastable: true),
        [L.SoftmaxND] = new("softmax", Broadcastable: true),
        [L.GatherAlongAxis] = new("gather_along_axis"),
        [L.ScatterAlongAxis] = new("scatter_along_axis"),
        [L.Reverse] = new("reverse"),
        [L.ReverseSeq] = new("reverse_sequence"),
        [L.SplitND] = new("split", Broadcastable: true),
        [L.ConcatND] = new("concat", Broadcastable: true),
        [L.Transpose] = new("transpose"),
        [L.SliceStatic] = new("slice_by_index"),
        [L.SliceDynamic] = new("slice_by_index"),
        [L.SlidingWindows] = new("sliding_windows"),
        [L.TopK] = new("topk"),
        [L.ArgMin] = new("reduce_argmin"),
        [L.ArgMax] = new("reduce_argmax"),
        [L.EmbeddingND] = new("gather", Broadcastable: true),
        [L.BatchedMatmul] = new("matmul"),

        // Shape, allocation and reshape
        [L.GetShape] = new("shape"),
        [L.LoadConstantND] = new("const", Broadcastable: true),
        [L.FillLike] = new("fill_like"),
        [L.FillStatic] = new("fill"),
        [L.FillDynamic] = new("fill"),
        [L.BroadcastToLike] = new("broadcast_to"),
        [L.BroadcastToStatic] = new("broadcast_to"),
        [L.BroadcastToDynamic] = new("broadcast_to"),
        [L.Squeeze] = new("squeeze"),
        [L.ExpandDims] = new("expand_dims"),
        [L.FlattenTo2D] = new("flatten2d"),
        [L.ReshapeLike] = new("reshape"),
        [L.ReshapeStatic] = new("reshape"),
        [L.ReshapeDynamic] = new("reshape"),
        [L.RankPreservingReshape] = new("reshape"),
        [L.ConstantPad] = new("pad"),

        // Random sampling
        [L.RandomNormalLike] = new("random_normal"),
        [L.RandomNormalStatic] = new("random_normal"),
        [L.RandomNormalDynamic] = new("random_normal"),
        [L.RandomUniformLike] = new("random_uniform"),
        [L.RandomUniformStatic] = new("random_uniform"),
        [L.RandomUniformDynamic] = new("random_uniform"),
        [L.RandomBernoulliLike] = new("random_bernoulli"),
        [L.RandomBernoulliStatic] = new("random_bernoulli"),
        [L.RandomBernoulliDynamic] = new("random_bernoulli"),
        [L.CategoricalDistribution] = new("random_categorical"),

        // Reductions
        [L.ReduceL1] = new("reduce_l1_norm"),
        [L.ReduceL2] = new("reduce_l2_norm"),
        [L.ReduceMax] = new("reduce_max"),
        [L.ReduceMin] = new("reduce_min"),
        [L.ReduceSum] = new("reduce_sum"),
        [L.ReduceProd] = new("reduce_prod"),
        [L.ReduceMean] = new("reduce_mean"),
        [L.ReduceLogSum] = new("reduce_log_sum"),
        [L.ReduceSumSquare] = new("reduce_sum_square"),
        [L.ReduceLogSumExp] = new("reduce_log_sum_exp"),

        // Masking and normalisation
        [L.WhereNonZero] = new("non_zero"),
        [L.MatrixBandPart] = new("band_part"),
        [L.LowerTriangular] = new("band_part"),
        [L.UpperTriangular] = new("band_part"),
        [L.WhereBroadcastable] = new("select", Broadcastable: true),
        [L.LayerNormalization] = new("layer_norm"),
        [L.NonMaximumSuppression] = new("non_maximum_suppression"),

        // Spec 5 additions
        [L.OneHot] = new("one_hot"),
        [L.CumSum] = new("cumsum"),
        [L.ClampedReLU] = new("clamped_relu"),
        [L.ArgSort] = new("argsort"),
        [L.Pooling3D] = new("pool", Refine: l => l.Pooling3D.Type == Pooling3DLayerParams.Types.PoolingType3D.Max ? "max_pool" : "avg_pool"),
        [L.GlobalPooling3D] = new("pool", Refine: l => l.GlobalPooling3D.Type == GlobalPooling3DLayerParams.Types.GlobalPoolingType3D.Max ? "max_pool" : "avg_pool"),
        [L.SliceBySize] = new("slice_by_size"),
        [L.Convolution3D] = new("conv", Refine: l => l.Convolution3D.IsDeconvolution ? "conv_transpose" : "conv"),
    };

    private static readonly Dictionary<L, string> SourceNames = Enum.GetValues<L>()
        .Where(c => c != L.None)
        .ToDictionary(c => c, c => ProtoNames.OneofMember(NeuralNetworkLayer.Descriptor, "layer", (int)c)
            ?? throw new InvalidOperationException($"layer oneof has no field number {(int)c}"));

    /// <summary>The layer type name exactly as the format spells it (the oneof member name).</summary>
    public static string SourceName(L layerCase) => SourceNames.TryGetValue(layerCase, out var name) ? name : "unknown";

    public static LayerKind? Find(L layerCase) => Table.TryGetValue(layerCase, out var kind) ? kind : null;
}
