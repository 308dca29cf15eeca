using AneCompat.Graph;
using AneCompat.Schema;
using static AneCompat.Decoders.NeuralNetwork.Shapes.ShapeMath;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>Output shapes of reductions, arg-reductions and top-k.</summary>
internal static class ReductionShapes
{
    /// <summary>Legacy reduce keeps its reduced axes as size 1.</summary>
    public static TensorShape Reduce(NeuralNetworkLayer layer, TensorShape x)
    {
        var one = Dim.Of(1);
        return layer.Reduce.Axis switch
        {
            ReduceLayerParams.Types.ReduceAxis.Chw => SpatialShapes.WithChw(x, (_, _, _) => (one, one, one)),
            ReduceLayerParams.Types.ReduceAxis.Hw => SpatialShapes.WithChw(x, (c, _, _) => (c, one, one)),
            ReduceLayerParams.Types.ReduceAxis.C => SpatialShapes.WithChw(x, (_, h, w) => (one, h, w)),
            ReduceLayerParams.Types.ReduceAxis.H => SpatialShapes.WithChw(x, (c, _, w) => (c, one, w)),
            _ => SpatialShapes.WithChw(x, (c, h, _) => (c, h, one)),
        };
    }

    /// <summary>Rank-N reduce over <paramref name="axes"/> (or all); a fully removed shape is [1].</summary>
    public static TensorShape Reduce(TensorShape x, IReadOnlyList<long> axes, bool keepDims, bool reduceAll)
    {
        if (x.Dims is not { } d) return TensorShape.Unknown;
        var reduced = new HashSet<int>();
        if (reduceAll) reduced.UnionWith(Enumerable.Range(0, d.Count));
        else
            foreach (var axis in axes)
                if (Axis(axis, d.Count) is { } a) reduced.Add(a);
                else return TensorShape.Unknown;
        var dims = keepDims
            ? d.Select((v, i) => reduced.Contains(i) ? Dim.Of(1) : v).ToArray()
            : d.Where((_, i) => !reduced.Contains(i)).ToArray();
        return dims.Length == 0 ? TensorShape.Of(1) : new TensorShape(dims);
    }

    public static TensorShape ArgReduce(TensorShape x, long axis, bool removeDim) =>
        Reduce(x, new[] { axis }, keepDims: !removeDim, reduceAll: false);

    /// <summary>topK: values and indices, both with the k axis of size K (when K is a parameter, not an input).</summary>
    public static IReadOnlyList<TensorShape> TopK(NeuralNetworkLayer layer, IReadOnlyList<TensorShape> inputs)
    {
        var k = inputs.Count >= 2 || layer.TopK.K == 0 ? Dim.Unknown : Dim.Of((long)Math.Min(layer.TopK.K, long.MaxValue));
        var shape = LayoutShapes.WithAxis(inputs[0], (int)Math.Clamp(layer.TopK.Axis, int.MinValue / 2, int.MaxValue / 2), k);
        return new[] { shape, shape };
    }
}
