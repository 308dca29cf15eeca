using AneCompat.Graph;
using AneCompat.Schema;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>
/// Output-shape rules by layer type (inputs in the layer's input order; outputs in its output order). Layer types
/// without a rule, and rules that cannot decide, leave the outputs unknown: inference stops there, it never guesses.
/// </summary>
internal static class NeuralNetworkShapeRules
{
    public delegate IReadOnlyList<TensorShape> Rule(NeuralNetworkLayer layer, IReadOnlyList<TensorShape> inputs);

    private static IReadOnlyList<TensorShape> One(TensorShape s) => new[] { s };

    private static readonly Rule SameAsInput = (_, x) => One(x[0]);
    private static readonly Rule Broadcast = (_, x) => One(ShapeMath.Broadcast(x));

    private static readonly Dictionary<L, Rule> Table = new()
    {
        // Spatial
        [L.Convolution] = (l, x) => One(l.Input.Count == 1 ? SpatialShapes.Convolution(l, x[0]) : TensorShape.Unknown),
        [L.Pooling] = (l, x) => One(SpatialShapes.Pooling(l, x[0])),
        [L.Upsample] = (l, x) => One(SpatialShapes.Upsample(l, x[0])),
        [L.Padding] = (l, x) => One(SpatialShapes.Padding(l, x[0])),
        [L.Crop] = (l, x) => One(SpatialShapes.Crop(l, x)),
        [L.ResizeBilinear] = (l, x) => One(SpatialShapes.ResizeBilinear(l, x[0])),
        [L.ReorganizeData] = (l, x) => One(SpatialShapes.ReorganizeData(l, x[0])),
        [L.ConstantPad] = (l, x) => One(SpatialShapes.ConstantPad(l, x[0])),
        [L.GlobalPooling3D] = (_, x) => One(SpatialShapes.WithChw(x[0], (_, _, _) => (Dim.Of(1), Dim.Of(1), Dim.Of(1)))),

        // Dense
        [L.InnerProduct] = (l, x) => One(DenseShapes.InnerProduct(l, x[0])),
        [L.BatchedMatmul] = (l, x) => One(DenseShapes.BatchedMatmul(l, x)),
        [L.Embedding] = (l, x) => One(DenseShapes.Embedding(l, x[0])),
        [L.EmbeddingND] = (l, x) => One(DenseShapes.EmbeddingND(l, x[0])),
        [L.Dot] = (_, x) => One(SpatialShapes.WithChw(x[0], (_, _, _) => (Dim.Of(1), Dim.Of(1), Dim.Of(1)))),

        // Same shape as the first input
        [L.Activation] = SameAsInput, [L.Unary] = SameAsInput, [L.Batchnorm] = SameAsInput, [L.Mvn] = SameAsInput,
        [L.L2Normalize] = SameAsInput, [L.Softmax] = SameAsInput, [L.SoftmaxND] = SameAsInput, [L.Lrn] = SameAsInput,
        [L.Scale] = SameAsInput, [L.Bias] = SameAsInput, [L.Copy] = SameAsInput, [L.LayerNormalization] = SameAsInput,
        [L.Clip] = SameAsInput, [L.Ceil] = SameAsInput, [L.Floor] = SameAsInput, [L.Sign] = SameAsInput,
        [L.Round] = SameAsInput, [L.Exp2] = SameAsInput, [L.Sin] = SameAsInput, [L.Cos] = SameAsInput,
        [L.Tan] = SameAsInput, [L.Asin] = SameAsInput, [L.Acos] = SameAsInput, [L.Atan] = SameAsInput,
        [L.Sinh] = SameAsInput, [L.Cosh] = SameAsInput, [L.Tanh] = SameAsInput, [L.Asinh] = SameAsInput,
        [L.Acosh] = SameAsInput, [L.Atanh] = SameAsInput, [L.Erf] = SameAsInput, [L.Gelu] = SameAsInput,
        [L.LogicalNot] = SameAsInput, [L.CumSum] = SameAsInput, [L.ClampedReLU] = SameAsInput, [L.ArgSort] = SameAsInput,
        [L.Reverse] = SameAsInput, [L.ReverseSeq] = SameAsInput, [L.MatrixBandPart] = SameAsInput,
        [L.LowerTriangular] = SameAsInput, [L.UpperTriangular] = SameAsInput, [L.FillLike] = SameAsInput,
        [L.RandomNormalLike] = SameAsInput, [L.RandomUniformLike] = SameAsInput, [L.RandomBernoulliLike] = SameAsInput,
        [L.ScatterAlongAxis] = SameAsInput, [L.Scatter] = SameAsInput, [L.ScatterND] = SameAsInput,

        // Broadcast of all inputs (a single input with a scalar parameter keeps its shape)
        [L.Add] = Broadcast, [L.Multiply] = Broadcast, [L.Average] = Broadcast, [L.Max] = Broadcast, [L.Min] = Broadcast,
        [L.Equal] = Broadcast, [L.NotEqual] = Broadcast, [L.LessThan] = Broadcast, [L.LessEqual] = Broadcast,
        [L.GreaterThan] = Broadcast, [L.GreaterEqual] = Broadcast, [L.LogicalOr] = Broadcast, [L.LogicalXor] = Broadcast,
        [L.LogicalAnd] = Broadcast, [L.ModBroadcastable] = Broadcast, [L.MinBroadcastable] = Broadcast,
        [L.MaxBroadcastable] = Broadcast, [L.AddBroadcastable] = Broadcast, [L.PowBroadcastable] = Broadcast,
        [L.DivideBroadcastable] = Broadcast, [L.FloorDivBroadcastable] = Broadcast, [L.MultiplyBroadcastable] = Broadcast,
        [L.SubtractBroadcastable] = Broadcast, [L.WhereBroadcastable] = Broadcast, [L.BroadcastToLike] = Broadcast,

        // Layout
        [L.Reshape] = (l, x) => One(LayoutShapes.Reshape(l, x[0])),
        [L.ReshapeStatic] = (l, x) => One(LayoutShapes.ReshapeTo(l.ReshapeStatic.TargetShape, x[0], zeroCopies: false)),
        [L.RankPreservingReshape] = (l, x) => One(LayoutShapes.ReshapeTo(l.RankPreservingReshape.TargetShape, x[0], zeroCopies: true)),
        [L.ReshapeLike] = (_, x) => One(x.Count >= 2 ? x[1] : TensorShape.Unknown),
        [L.Flatten] = (_, x) => One(LayoutShapes.Flatten(x[0])),
        [L.FlattenTo2D] = (l, x) => One(LayoutShapes.FlattenTo2D(l, x[0])),
        [L.Permute] = (l, x) => One(LayoutShapes.Permute(l.Permute.Axis, x[0])),
        [L.Transpose] = (l, x) => One(LayoutShapes.Permute(l.Transpose.Axes, x[0])),
        [L.Concat] = (l, x) => One(LayoutShapes.Concat(l.Concat.SequenceConcat ? -4 : -3, x)),
        [L.ConcatND] = (l, x) => One(LayoutShapes.Concat(l.ConcatND.Axis, x)),
        [L.Stack] = (l, x) => One(LayoutShapes.Stack(l.Stack.Axis, x)),
        [L.Split] = (l, x) => LayoutShapes.Split(x[0], -3, l.Output.Count, Array.Empty<ulong>()),
        [L.SplitND] = (l, x) => LayoutShapes.Split(x[0], l.SplitND.Axis, l.Output.Count, l.SplitND.SplitSizes),
        [L.Slice] = (l, x) => One(LayoutShapes.Slice(l, x[0])),
        [L.SliceStatic] = (l, x) => One(LayoutShapes.SliceStatic(l, x[0])),
        [L.SliceBySize] = (l, x) => One(LayoutShapes.SliceBySize(l, x[0])),
        [L.Squeeze] = (l, x) => One(LayoutShapes.Squeeze(l, x[0])),
        [L.ExpandDims] = (l, x) => One(LayoutShapes.ExpandDims(l, x[0])),
        [L.Tile] = (l, x) => One(l.Input.Count == 1 ? LayoutShapes.Tile(l, x[0]) : TensorShape.Unknown),
        [L.Gather] = (l, x) => One(x.Count >= 2 ? LayoutShapes.Gather(l.Gather.Axis, x[0], x[1]) : TensorShape.Unknown),
        [L.SequenceRepeat] = (l, x) => One(LayoutShapes.WithAxis(x[0], 0, ShapeMath.Map(x[0][0], n => checked(n * (long)Math.Min(l.SequenceRepeat.NRepetitions, int.MaxValue))))),
        [L.GetShape] = (_, x) => One(x[0].Rank is { } r ? TensorShape.Of(r) : TensorShape.Unknown),

        // Constants and static shapes
        [L.LoadConstant] = (l, _) => One(l.LoadConstant.Shape.Count == 3 ? ShapeConvention.Legacy(LayoutShapes.Static(l.LoadConstant.Shape).Dims!) : TensorShape.Unknown),
        [L.LoadConstantND] = (l, _) => One(LayoutShapes.Static(l.LoadConstantND.Shape)),
        [L.FillStatic] = (l, _) => One(LayoutShapes.Static(l.FillStatic.TargetShape)),
        [L.BroadcastToStatic] = (l, x) => One(ShapeMath.Broadcast(new[] { x[0], LayoutShapes.Static(l.BroadcastToStatic.TargetShape) })),
        [L.RandomNormalStatic] = (l, _) => One(LayoutShapes.Static(l.RandomNormalStatic.OutputShape)),
        [L.RandomUniformStatic] = (l, _) => One(LayoutShapes.Static(l.RandomUniformStatic.OutputShape)),
        [L.RandomBernoulliStatic] = (l, _) => One(LayoutShapes.Static(l.RandomBernoulliStatic.OutputShape)),
        [L.RangeStatic] = (l, _) =>
        {
            var r = l.RangeStatic;
            var n = r.StepSizeValue == 0 ? double.NaN : Math.Ceiling(((double)r.EndValue - r.StartValue) / r.StepSizeValue);
            return One(n is >= 0 and < int.MaxValue ? TensorShape.Of((long)n) : TensorShape.Unknown);
        },

        // Reductions
        [L.Reduce] = (l, x) => One(ReductionShapes.Reduce(l, x[0])),
        [L.ReduceL1] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceL1.Axes, l.ReduceL1.KeepDims, l.ReduceL1.ReduceAll)),
        [L.ReduceL2] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceL2.Axes, l.ReduceL2.KeepDims, l.ReduceL2.ReduceAll)),
        [L.ReduceMax] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceMax.Axes, l.ReduceMax.KeepDims, l.ReduceMax.ReduceAll)),
        [L.ReduceMin] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceMin.Axes, l.ReduceMin.KeepDims, l.ReduceMin.ReduceAll)),
        [L.ReduceSum] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceSum.Axes, l.ReduceSum.KeepDims, l.ReduceSum.ReduceAll)),
        [L.ReduceProd] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceProd.Axes, l.ReduceProd.KeepDims, l.ReduceProd.ReduceAll)),
        [L.ReduceMean] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceMean.Axes, l.ReduceMean.KeepDims, l.ReduceMean.ReduceAll)),
        [L.ReduceLogSum] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceLogSum.Axes, l.ReduceLogSum.KeepDims, l.ReduceLogSum.ReduceAll)),
        [L.ReduceSumSquare] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceSumSquare.Axes, l.ReduceSumSquare.KeepDims, l.ReduceSumSquare.ReduceAll)),
        [L.ReduceLogSumExp] = (l, x) => One(ReductionShapes.Reduce(x[0], l.ReduceLogSumExp.Axes, l.ReduceLogSumExp.KeepDims, l.ReduceLogSumExp.ReduceAll)),
        [L.ArgMax] = (l, x) => One(ReductionShapes.ArgReduce(x[0], l.ArgMax.Axis, l.ArgMax.RemoveDim)),
        [L.ArgMin] = (l, x) => One(ReductionShapes.ArgReduce(x[0], l.ArgMin.Axis, l.ArgMin.RemoveDim)),
        [L.TopK] = ReductionShapes.TopK,
    };

    /// <summary>Output shapes of <paramref name="layer"/>; shorter than its output list (or empty) where unknown.</summary>
    public static IReadOnlyList<TensorShape> Infer(NeuralNetworkLayer layer, IReadOnlyList<TensorShape> inputs)
    {
        // Rules index the inputs they need; with none declared there is nothing to infer from.
        if (!Table.TryGetValue(layer.LayerCase, out var rule)) return Array.Empty<TensorShape>();
        var needsInputs = layer.LayerCase is not (L.LoadConstant or L.LoadConstantND or L.FillStatic or L.RangeStatic
            or L.RandomNormalStatic or L.RandomUniformStatic or L.RandomBernoulliStatic);
        if (needsInputs && inputs.Count == 0) return Array.Empty<TensorShape>();
        return rule(layer, inputs);
    }
}
