using AneCompat.Graph;
using AneCompat.Schema;
using static AneCompat.Decoders.NeuralNetwork.Shapes.ShapeMath;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>Output shapes of layers that move, join, split, cut or re-view data.</summary>
internal static class LayoutShapes
{
    private static TensorShape Sizes(IEnumerable<long> sizes) =>
        new(sizes.Select(s => s >= 0 ? Dim.Of(s) : Dim.Unknown).ToArray());

    private static long Clamp(ulong v) => (long)Math.Min(v, long.MaxValue);

    /// <summary>Legacy reshape: a [C, H, W] target keeps the leading axis; a [Seq, C, H, W] target needs Seq·Batch = 1 to be known.</summary>
    public static TensorShape Reshape(NeuralNetworkLayer layer, TensorShape x)
    {
        var t = layer.Reshape.TargetShape;
        if (t.Any(v => v <= 0)) return TensorShape.Unknown;
        if (t.Count == 3 && x.Dims is { Count: >= 1 } d)
            return new TensorShape(new[] { d[0], Dim.Of(t[0]), Dim.Of(t[1]), Dim.Of(t[2]) });
        if (t.Count == 4 && x.Rank is >= 1 && x[0].Size == 1) return Sizes(t);
        return TensorShape.Unknown;
    }

    public static TensorShape Flatten(TensorShape x) =>
        SpatialShapes.WithChw(x, (c, h, w) => (Product(new[] { c, h, w }), Dim.Of(1), Dim.Of(1)));

    /// <summary>Permute (legacy, axes over [Seq, C, H, W]) and transpose (rank N): output axis i is input axis p[i].</summary>
    public static TensorShape Permute(IReadOnlyList<ulong> order, TensorShape x)
    {
        if (x.Dims is not { } d || order.Count != d.Count || order.Any(a => a >= (ulong)d.Count) || order.Distinct().Count() != order.Count)
            return TensorShape.Unknown;
        return new TensorShape(order.Select(a => d[(int)a]).ToArray());
    }

    /// <summary>Concatenation along <paramref name="axis"/>; other axes taken from whichever input knows them.</summary>
    public static TensorShape Concat(long axis, IReadOnlyList<TensorShape> inputs)
    {
        // Indexed loops, no closures: concatenations are common and this runs for each.
        if (inputs.Count == 0 || inputs[0].Dims is null) return TensorShape.Unknown;
        var rank = inputs[0].Dims!.Count;
        for (var j = 1; j < inputs.Count; j++)
            if (inputs[j].Dims is null) return TensorShape.Unknown;
        for (var j = 1; j < inputs.Count; j++)
            if (inputs[j].Dims!.Count != rank) return TensorShape.Unknown;
        if (Axis(axis, rank) is not { } a) return TensorShape.Unknown;
        var dims = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            if (i == a)
            {
                var sum = Dim.Of(0);
                for (var j = 0; j < inputs.Count; j++) sum = Add(sum, inputs[j].Dims![i]);
                dims[i] = sum;
                continue;
            }
            dims[i] = Dim.Unknown;
            for (var j = 0; j < inputs.Count; j++)
                if (inputs[j].Dims![i].IsKnown) { dims[i] = inputs[j].Dims![i]; break; }
        }
        return new TensorShape(dims);
    }

    /// <summary>Stack: a new axis of size = number of inputs, placed relative to the output rank.</summary>
    public static TensorShape Stack(long axis, IReadOnlyList<TensorShape> inputs)
    {
        if (inputs.Count == 0 || inputs[0].Dims is not { } d || Axis(axis, d.Count + 1) is not { } a) return TensorShape.Unknown;
        var dims = d.ToList();
        dims.Insert(a, Dim.Of(inputs.Count));
        return new TensorShape(dims);
    }

    /// <summary>Equal split of <paramref name="axis"/> into <paramref name="parts"/>, or explicit sizes.</summary>
    public static IReadOnlyList<TensorShape> Split(TensorShape x, long axis, int parts, IReadOnlyList<ulong> sizes)
    {
        if (x.Dims is not { } d || Axis(axis, d.Count) is not { } a || parts <= 0) return Array.Empty<TensorShape>();
        TensorShape With(Dim size)
        {
            var dims = d.ToArray();
            dims[a] = size;
            return new TensorShape(dims);
        }
        if (sizes.Count > 0) return sizes.Select(s => With(Dim.Of(Clamp(s)))).ToArray();
        var each = Map(d[a], n => n % parts == 0 ? n / parts : -1);
        return Enumerable.Range(0, parts).Select(_ => With(each)).ToArray();
    }

    /// <summary>Legacy slice of C, H or W; only a non-negative start and a positive end are resolved.</summary>
    public static TensorShape Slice(NeuralNetworkLayer layer, TensorShape x)
    {
        var s = layer.Slice;
        var stride = s.Stride == 0 ? 1 : Clamp(s.Stride);
        if (x.Rank is not >= 3 || s.StartIndex < 0 || s.EndIndex <= 0) return TensorShape.Unknown;
        var axis = s.Axis switch
        {
            SliceLayerParams.Types.SliceAxis.HeightAxis => x.Rank!.Value - 2,
            SliceLayerParams.Types.SliceAxis.WidthAxis => x.Rank!.Value - 1,
            _ => x.Rank!.Value - 3,
        };
        var dims = x.Dims!.ToArray();
        dims[axis] = Map(dims[axis], n => Math.Max(0, CeilDiv(Math.Min(s.EndIndex, n) - Math.Min(s.StartIndex, n), stride)));
        return new TensorShape(dims);
    }

    /// <summary>sliceStatic: a strided slice per axis with begin/end masks and squeeze masks (numpy rules).</summary>
    public static TensorShape SliceStatic(NeuralNetworkLayer layer, TensorShape x)
    {
        var p = layer.SliceStatic;
        if (x.Dims is not { } d) return TensorShape.Unknown;
        var rank = d.Count;
        if (p.BeginIds.Count != rank || p.EndIds.Count != rank) return TensorShape.Unknown;
        var result = new List<Dim>();
        for (var i = 0; i < rank; i++)
        {
            var stride = p.Strides.Count == rank ? p.Strides[i] : 1;
            if (stride == 0) return TensorShape.Unknown;
            var squeeze = p.SqueezeMasks.Count == rank && p.SqueezeMasks[i];
            if (squeeze) continue;
            var beginMask = p.BeginMasks.Count == rank && p.BeginMasks[i];
            var endMask = p.EndMasks.Count == rank && p.EndMasks[i];
            long begin = p.BeginIds[i], end = p.EndIds[i];
            result.Add(Map(d[i], n => SliceLength(n, begin, end, stride, beginMask, endMask)));
        }
        return new TensorShape(result);
    }

    private static long SliceLength(long n, long begin, long end, long stride, bool beginMask, bool endMask)
    {
        if (stride > 0)
        {
            begin = beginMask ? 0 : Math.Clamp(begin < 0 ? begin + n : begin, 0, n);
            end = endMask ? n : Math.Clamp(end < 0 ? end + n : end, 0, n);
            return Math.Max(0, CeilDiv(end - begin, stride));
        }
        begin = beginMask ? n - 1 : Math.Clamp(begin < 0 ? begin + n : begin, -1, n - 1);
        end = endMask ? -1 : Math.Clamp(end < 0 ? end + n : end, -1, n - 1);
        return Math.Max(0, CeilDiv(begin - end, -stride));
    }

    public static TensorShape SliceBySize(NeuralNetworkLayer layer, TensorShape x)
    {
        if (x.Dims is not { } d || Axis(layer.SliceBySize.Axis, d.Count) is not { } a || layer.SliceBySize.Size < 0) return TensorShape.Unknown;
        var dims = d.ToArray();
        dims[a] = Dim.Of(layer.SliceBySize.Size);
        return new TensorShape(dims);
    }

    public static TensorShape Squeeze(NeuralNetworkLayer layer, TensorShape x)
    {
        var p = layer.Squeeze;
        if (x.Dims is not { } d) return TensorShape.Unknown;
        if (p.SqueezeAll)
        {
            if (!x.IsKnown) return TensorShape.Unknown;
            var kept = d.Where(v => v.Size != 1).ToArray();
            return kept.Length == 0 ? TensorShape.Of(1) : new TensorShape(kept);
        }
        var drop = new HashSet<int>();
        foreach (var axis in p.Axes)
            if (Axis(axis, d.Count) is { } a) drop.Add(a);
            else return TensorShape.Unknown;
        var rest = d.Where((_, i) => !drop.Contains(i)).ToArray();
        return rest.Length == 0 ? TensorShape.Of(1) : new TensorShape(rest);
    }

    public static TensorShape ExpandDims(NeuralNetworkLayer layer, TensorShape x)
    {
        if (x.Dims is not { } d) return TensorShape.Unknown;
        var rank = d.Count + layer.ExpandDims.Axes.Count;
        var inserted = new HashSet<int>();
        foreach (var axis in layer.ExpandDims.Axes)
            if (Axis(axis, rank) is not { } a || !inserted.Add(a)) return TensorShape.Unknown;
        var dims = new Dim[rank];
        var next = 0;
        for (var i = 0; i < rank; i++) dims[i] = inserted.Contains(i) ? Dim.Of(1) : d[next++];
        return new TensorShape(dims);
    }

    /// <summary>Reshape to a target with at most one -1 (inferred) and, when <paramref name="zeroCopies"/>, 0 = keep the input axis.</summary>
    public static TensorShape ReshapeTo(IReadOnlyList<long> target, TensorShape x, bool zeroCopies)
    {
        if (target.Count == 0 || target.Count(v => v == -1) > 1 || target.Any(v => v < -1 || (v == 0 && !zeroCopies))) return TensorShape.Unknown;
        if (zeroCopies && x.Rank != target.Count) return TensorShape.Unknown;
        var dims = target.Select((v, i) => v == 0 ? x[i] : v == -1 ? Dim.Unknown : Dim.Of(v)).ToArray();
        var inferred = target.ToList().IndexOf(-1);
        if (inferred >= 0 && x.ElementCount is { } total)
        {
            var known = Product(dims.Where((_, i) => i != inferred));
            dims[inferred] = known.Size is { } k && k > 0 && total % k == 0 ? Dim.Of(total / k) : Dim.Unknown;
        }
        return new TensorShape(dims);
    }

    public static TensorShape FlattenTo2D(NeuralNetworkLayer layer, TensorShape x)
    {
        if (x.Dims is not { } d) return TensorShape.Unknown;
        var axis = layer.FlattenTo2D.Axis < 0 ? layer.FlattenTo2D.Axis + d.Count : layer.FlattenTo2D.Axis;
        if (axis < 0 || axis > d.Count) return TensorShape.Unknown;
        return new TensorShape(new[] { Product(d.Take((int)axis)), Product(d.Skip((int)axis)) });
    }

    public static TensorShape Tile(NeuralNetworkLayer layer, TensorShape x)
    {
        var reps = layer.Tile.Reps;
        if (x.Dims is not { } d || reps.Count != d.Count) return TensorShape.Unknown;
        return new TensorShape(d.Select((v, i) => Map(v, n => checked(n * Clamp(reps[i])))).ToArray());
    }

    /// <summary>gather: params[:axis] + indices + params[axis+1:].</summary>
    public static TensorShape Gather(long axis, TensorShape data, TensorShape indices)
    {
        if (data.Dims is not { } d || indices.Dims is not { } idx || Axis(axis, d.Count) is not { } a) return TensorShape.Unknown;
        return new TensorShape(d.Take(a).Concat(idx).Concat(d.Skip(a + 1)).ToArray());
    }

    /// <summary>Replaces one axis (by negative or positive index) with a known size.</summary>
    public static TensorShape WithAxis(TensorShape x, int axis, Dim size)
    {
        if (x.Dims is not { } d || Axis(axis, d.Count) is not { } a) return TensorShape.Unknown;
        var dims = d.ToArray();
        dims[a] = size;
        return new TensorShape(dims);
    }

    public static TensorShape Static(IEnumerable<ulong> shape)
    {
        var list = shape.Select(Clamp).ToArray();
        return list.Length == 0 ? TensorShape.Unknown : Sizes(list);
    }
}
