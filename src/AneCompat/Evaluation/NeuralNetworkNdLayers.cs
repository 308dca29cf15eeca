using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>
/// The ND NeuralNetwork layers converters emit around control flow (TensorFlow's TensorList plumbing and shape
/// arithmetic): getShape, sliceStatic, gather, scatter, fill*, range*, comparisons, logical ops and the ND
/// reductions — NumPy semantics, as NeuralNetwork.proto describes them. A NeuralNetwork tensor has rank ≥ 1, so a
/// result that would be a scalar is a one-element rank-1 tensor.
/// </summary>
internal static class NeuralNetworkNdLayers
{
    private static Tensor AtLeast1D(int[] shape, float[] data) => new(shape.Length == 0 ? new[] { 1 } : shape, data);

    public static Tensor GetShape(Tensor x) => new(new[] { x.Rank }, x.Shape.Select(d => (float)d).ToArray());

    /// <summary>A shape given as a tensor's values (fillDynamic, broadcastToDynamic…).</summary>
    private static int[] ShapeFrom(Tensor t, string name)
    {
        var shape = new int[t.Count];
        for (var i = 0; i < shape.Length; i++)
        {
            var v = t.Data[i];
            if (!(v >= 0) || v != MathF.Floor(v)) throw new ArgumentException($"{name}: shape value {v} is not a size");
            shape[i] = (int)v;
        }
        return shape;
    }

    public static Tensor Fill(int[] shape, float value)
    {
        var data = new float[Tensor.ElementCount(shape)];
        Array.Fill(data, value);
        return AtLeast1D(shape, data);
    }

    public static Tensor FillDynamic(Tensor shape, float value, string name) => Fill(ShapeFrom(shape, name), value);

    public static Tensor Range(float start, float end, float step, string name)
    {
        if (step == 0 || !float.IsFinite(start) || !float.IsFinite(end) || !float.IsFinite(step))
            throw new ArgumentException($"{name}: range from {start} to {end} by {step}");
        var n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var data = new float[n];
        for (var i = 0; i < n; i++) data[i] = start + i * step;
        return new Tensor(new[] { n }, data);
    }

    /// <summary>Elementwise comparison of two broadcast inputs, or of one input with <paramref name="alpha"/>; 1 or 0.</summary>
    public static Tensor Compare(IReadOnlyList<Tensor> x, float alpha, Func<float, float, bool> f, string name)
    {
        Func<float, float, float> g = (a, b) => f(a, b) ? 1 : 0;
        return x.Count switch
        {
            1 => TensorMath.Map(x[0], v => g(v, alpha)),
            2 => TensorMath.Binary(x[0], x[1], g),
            _ => throw new ArgumentException($"{name} needs one or two inputs"),
        };
    }

    public static Tensor Logical(IReadOnlyList<Tensor> x, Func<bool, bool, bool> f, string name) =>
        x.Count == 2 ? TensorMath.Binary(x[0], x[1], (a, b) => f(a != 0, b != 0) ? 1 : 0)
            : throw new ArgumentException($"{name} needs two inputs");

    /// <summary>Slices with Python semantics per axis: begin/end (negative from the end), stride, masks that take
    /// the axis from its start/to its end, and squeeze masks that take the one element at begin and drop the axis.</summary>
    public static Tensor SliceStatic(SliceStaticLayerParams p, Tensor x, string name)
    {
        var rank = x.Rank;
        if (p.BeginIds.Count != rank || p.EndIds.Count != rank)
            throw new ArgumentException($"{name}: {p.BeginIds.Count} begin / {p.EndIds.Count} end ids for rank {rank}");
        var start = new int[rank]; var step = new int[rank]; var count = new int[rank];
        var keep = new List<int>();
        for (var a = 0; a < rank; a++)
        {
            var dim = x.Shape[a];
            var s = p.Strides.Count > a && p.Strides[a] != 0 ? p.Strides[a] : 1;
            var squeeze = p.SqueezeMasks.Count > a && p.SqueezeMasks[a];
            long begin = p.BeginMasks.Count > a && p.BeginMasks[a] ? (s > 0 ? 0 : dim - 1) : Normalize(p.BeginIds[a], dim, s);
            if (squeeze)
            {
                if (begin < 0 || begin >= dim) throw new ArgumentException($"{name}: index {p.BeginIds[a]} out of range on axis {a} (size {dim})");
                start[a] = (int)begin; step[a] = 1; count[a] = 1;
                continue;
            }
            long end = p.EndMasks.Count > a && p.EndMasks[a] ? (s > 0 ? dim : -1) : Normalize(p.EndIds[a], dim, s);
            var n = s > 0 ? (end - begin + s - 1) / s : (begin - end + (-s) - 1) / (-s);
            start[a] = (int)begin; step[a] = (int)Math.Clamp(s, int.MinValue, int.MaxValue); count[a] = (int)Math.Max(0, n);
            keep.Add(a);
        }
        var data = new float[Tensor.ElementCount(count)];
        var strides = Tensor.Strides(x.Shape);
        var index = new int[rank];
        for (var o = 0; o < data.Length; o++)
        {
            var at = 0L;
            for (var a = 0; a < rank; a++) at += (start[a] + (long)index[a] * step[a]) * strides[a];
            data[o] = x.Data[at];
            for (var a = rank - 1; a >= 0; a--) { if (++index[a] < count[a]) break; index[a] = 0; }
        }
        return AtLeast1D(keep.Select(a => count[a]).ToArray(), data);
    }

    /// <summary>A begin/end index as Python normalises it: negative counts from the end, then clamped to the axis
    /// (to [0, dim] going forward, [−1, dim − 1] going backward).</summary>
    private static long Normalize(long i, int dim, long step)
    {
        if (i < 0) i += dim;
        return step > 0 ? Math.Clamp(i, 0, dim) : Math.Clamp(i, -1, dim - 1);
    }

    private static int Index(float v, int size, string name)
    {
        var i = (int)v;
        if (i != v) throw new ArgumentException($"{name}: index {v} is not an integer");
        if (i < 0) i += size;
        if (i < 0 || i >= size) throw new ArgumentException($"{name}: index {v} out of range for size {size}");
        return i;
    }

    /// <summary>numpy.take: output shape data[:axis] + indices.shape + data[axis+1:].</summary>
    public static Tensor Gather(Tensor data, Tensor indices, long axisParam, string name)
    {
        var axis = data.Axis(axisParam);
        var (outer, n, inner) = TensorMath.AroundAxis(data.Shape, axis);
        var m = indices.Count;
        var y = new float[outer * m * inner];
        for (var o = 0; o < outer; o++)
            for (var j = 0; j < m; j++)
                Array.Copy(data.Data, (o * n + Index(indices.Data[j], n, name)) * inner, y, (o * m + j) * inner, inner);
        var shape = data.Shape.Take(axis).Concat(indices.Shape).Concat(data.Shape.Skip(axis + 1)).ToArray();
        return new Tensor(shape, y, data.Type);
    }

    /// <summary>The inverse of gather: container with the slices at <paramref name="indices"/> along the axis
    /// combined with the updates (replaced, or added, subtracted… by <paramref name="mode"/>).</summary>
    public static Tensor Scatter(Tensor container, Tensor indices, Tensor updates, long axisParam, ScatterMode mode, string name)
    {
        var axis = container.Axis(axisParam);
        var (outer, n, inner) = TensorMath.AroundAxis(container.Shape, axis);
        var m = indices.Count;
        if (updates.Count != outer * m * inner)
            throw new ArgumentException($"{name}: {updates.Count} updates for {m} indices into [{string.Join(", ", container.Shape)}]");
        Func<float, float, float> f = mode switch
        {
            ScatterMode.ScatterUpdate => (_, u) => u,
            ScatterMode.ScatterAdd => (a, u) => a + u,
            ScatterMode.ScatterSub => (a, u) => a - u,
            ScatterMode.ScatterMul => (a, u) => a * u,
            ScatterMode.ScatterDiv => (a, u) => a / u,
            ScatterMode.ScatterMax => Math.Max,
            ScatterMode.ScatterMin => Math.Min,
            _ => throw new NotCoveredException($"scatter ({mode})"),
        };
        var y = (float[])container.Data.Clone();
        for (var o = 0; o < outer; o++)
            for (var j = 0; j < m; j++)
            {
                var to = (o * n + Index(indices.Data[j], n, name)) * inner;
                var from = (o * m + j) * inner;
                for (var i = 0; i < inner; i++) y[to + i] = f(y[to + i], updates.Data[from + i]);
            }
        return new Tensor(container.Shape, y, container.Type);
    }

    public enum ReduceKind { Sum, Mean, Prod, Max, Min }

    /// <summary>An ND reduction over <paramref name="axes"/> (or every axis), keeping reduced axes as 1 or dropping them.</summary>
    public static Tensor Reduce(Tensor x, IEnumerable<long> axes, bool keepDims, bool reduceAll, ReduceKind kind)
    {
        var reduced = reduceAll ? Enumerable.Range(0, x.Rank).ToHashSet() : axes.Select(a => x.Axis(a)).ToHashSet();
        var kept = Enumerable.Range(0, x.Rank).Select(a => reduced.Contains(a) ? 1 : x.Shape[a]).ToArray();
        var outStrides = Tensor.Strides(kept);
        var count = Tensor.ElementCount(kept);
        var acc = new double[count];
        var initial = kind switch { ReduceKind.Prod => 1d, ReduceKind.Max => double.NegativeInfinity, ReduceKind.Min => double.PositiveInfinity, _ => 0d };
        Array.Fill(acc, initial);
        var index = new int[x.Rank];
        for (var i = 0; i < x.Count; i++)
        {
            var o = 0;
            for (var a = 0; a < x.Rank; a++) if (!reduced.Contains(a)) o += index[a] * outStrides[a];
            double v = x.Data[i];
            acc[o] = kind switch
            {
                ReduceKind.Prod => acc[o] * v,
                ReduceKind.Max => Math.Max(acc[o], v),
                ReduceKind.Min => Math.Min(acc[o], v),
                _ => acc[o] + v,
            };
            for (var a = x.Rank - 1; a >= 0; a--) { if (++index[a] < x.Shape[a]) break; index[a] = 0; }
        }
        var per = count == 0 ? 0 : x.Count / count;
        var data = acc.Select(v => (float)(kind == ReduceKind.Mean ? v / per : v)).ToArray();
        var shape = keepDims ? kept : Enumerable.Range(0, x.Rank).Where(a => !reduced.Contains(a)).Select(a => x.Shape[a]).ToArray();
        return AtLeast1D(shape, data);
    }
}
