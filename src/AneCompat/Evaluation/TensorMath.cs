namespace AneCompat.Evaluation;

/// <summary>Shape-generic kernels shared by the NeuralNetwork and ML program evaluators: elementwise maps, NumPy-style
/// broadcasting, softmax, transpose, concat/split, matrix products. Plain loops, written to be checked by eye.</summary>
public static class TensorMath
{
    public static Tensor Map(Tensor x, Func<float, float> f)
    {
        var y = new float[x.Count];
        for (var i = 0; i < y.Length; i++) y[i] = f(x.Data[i]);
        return new Tensor(x.Shape, y, x.Type);
    }

    /// <summary>The broadcast shape of two shapes aligned at their last axis (NumPy rules).</summary>
    public static int[] BroadcastShape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var rank = Math.Max(a.Count, b.Count);
        var r = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Count) >= 0 ? a[i - (rank - a.Count)] : 1;
            var db = i - (rank - b.Count) >= 0 ? b[i - (rank - b.Count)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException($"shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast");
            r[i] = da == 1 ? db : da;
        }
        return r;
    }

    /// <summary>Index of each output element in a tensor of <paramref name="shape"/> broadcast to <paramref name="outShape"/>.</summary>
    public static int[] BroadcastIndex(IReadOnlyList<int> shape, int[] outShape)
    {
        var count = Tensor.ElementCount(outShape);
        var map = new int[count];
        var rank = outShape.Length;
        var strides = Tensor.Strides(shape);
        var aligned = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var j = i - (rank - shape.Count);
            aligned[i] = j >= 0 && shape[j] != 1 ? strides[j] : 0;
        }
        var idx = new int[rank];
        for (var n = 0; n < count; n++)
        {
            var off = 0;
            for (var i = 0; i < rank; i++) off += idx[i] * aligned[i];
            map[n] = off;
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < outShape[i]) break;
                idx[i] = 0;
            }
        }
        return map;
    }

    public static Tensor Binary(Tensor a, Tensor b, Func<float, float, float> f, TensorElement? resultType = null)
    {
        var shape = BroadcastShape(a.Shape, b.Shape);
        var ia = BroadcastIndex(a.Shape, shape);
        var ib = BroadcastIndex(b.Shape, shape);
        var y = new float[ia.Length];
        for (var i = 0; i < y.Length; i++) y[i] = f(a.Data[ia[i]], b.Data[ib[i]]);
        return new Tensor(shape, y, resultType ?? Promote(a.Type, b.Type));
    }

    /// <summary>The wider of two element types (a float wins over an int, fp32 over fp16).</summary>
    public static TensorElement Promote(TensorElement a, TensorElement b) =>
        a == TensorElement.Float32 || b == TensorElement.Float32 ? TensorElement.Float32
        : a == TensorElement.Float16 || b == TensorElement.Float16 ? TensorElement.Float16
        : a == TensorElement.Int32 || b == TensorElement.Int32 ? TensorElement.Int32 : TensorElement.Bool;

    /// <summary>Splits a shape around <paramref name="axis"/>: outer (product before), the axis, inner (product after).</summary>
    public static (int Outer, int Axis, int Inner) AroundAxis(IReadOnlyList<int> shape, int axis)
    {
        var outer = 1; var inner = 1;
        for (var i = 0; i < axis; i++) outer *= shape[i];
        for (var i = axis + 1; i < shape.Count; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }

    public static Tensor Softmax(Tensor x, int axis)
    {
        var (outer, n, inner) = AroundAxis(x.Shape, axis);
        var y = new float[x.Count];
        for (var o = 0; o < outer; o++)
            for (var i = 0; i < inner; i++)
            {
                var max = float.NegativeInfinity;
                for (var k = 0; k < n; k++) max = Math.Max(max, x.Data[(o * n + k) * inner + i]);
                double sum = 0;
                for (var k = 0; k < n; k++) sum += Math.Exp(x.Data[(o * n + k) * inner + i] - max);
                for (var k = 0; k < n; k++)
                    y[(o * n + k) * inner + i] = (float)(Math.Exp(x.Data[(o * n + k) * inner + i] - max) / sum);
            }
        return new Tensor(x.Shape, y, x.Type);
    }

    public static Tensor Transpose(Tensor x, IReadOnlyList<int> perm)
    {
        if (perm.Count != x.Rank || perm.Distinct().Count() != perm.Count || perm.Any(p => p < 0 || p >= x.Rank))
            throw new ArgumentException($"permutation [{string.Join(", ", perm)}] does not fit rank {x.Rank}");
        var outShape = perm.Select(p => x.Shape[p]).ToArray();
        var inStrides = Tensor.Strides(x.Shape);
        var rank = x.Rank;
        var y = new float[x.Count];
        var idx = new int[rank];
        for (var n = 0; n < y.Length; n++)
        {
            var off = 0;
            for (var i = 0; i < rank; i++) off += idx[i] * inStrides[perm[i]];
            y[n] = x.Data[off];
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++idx[i] < outShape[i]) break;
                idx[i] = 0;
            }
        }
        return new Tensor(outShape, y, x.Type);
    }

    public static Tensor Concat(IReadOnlyList<Tensor> xs, int axis, bool interleave = false)
    {
        if (xs.Count == 0) throw new ArgumentException("concat of nothing");
        var first = xs[0];
        foreach (var t in xs)
            if (t.Rank != first.Rank || Enumerable.Range(0, t.Rank).Any(i => i != axis && t.Shape[i] != first.Shape[i]))
                throw new ArgumentException($"concat: {t} does not match {first} outside axis {axis}");
        var shape = (int[])first.Shape.Clone();
        shape[axis] = xs.Sum(t => t.Shape[axis]);
        var (outer, _, inner) = AroundAxis(shape, axis);
        var y = new float[Tensor.ElementCount(shape)];
        var pos = 0;
        if (!interleave)
        {
            for (var o = 0; o < outer; o++)
                foreach (var t in xs)
                {
                    var block = t.Shape[axis] * inner;
                    Array.Copy(t.Data, o * block, y, pos, block);
                    pos += block;
                }
        }
        else
        {
            // Interleave: equal sizes along the axis; slices alternate between inputs.
            var n = first.Shape[axis];
            if (xs.Any(t => t.Shape[axis] != n)) throw new ArgumentException("interleaved concat needs equal sizes");
            for (var o = 0; o < outer; o++)
                for (var k = 0; k < n; k++)
                    foreach (var t in xs)
                    {
                        Array.Copy(t.Data, (o * n + k) * inner, y, pos, inner);
                        pos += inner;
                    }
        }
        return new Tensor(shape, y, xs.Select(t => t.Type).Aggregate(Promote));
    }

    public static IReadOnlyList<Tensor> Split(Tensor x, int axis, IReadOnlyList<int> sizes)
    {
        if (sizes.Sum() != x.Shape[axis] || sizes.Any(s => s < 0))
            throw new ArgumentException($"split sizes [{string.Join(", ", sizes)}] do not add up to {x.Shape[axis]}");
        var (outer, n, inner) = AroundAxis(x.Shape, axis);
        var result = new List<Tensor>();
        var start = 0;
        foreach (var s in sizes)
        {
            var shape = (int[])x.Shape.Clone();
            shape[axis] = s;
            var y = new float[outer * s * inner];
            for (var o = 0; o < outer; o++)
                Array.Copy(x.Data, (o * n + start) * inner, y, o * s * inner, s * inner);
            result.Add(new Tensor(shape, y, x.Type));
            start += s;
        }
        return result;
    }

    public static int[] EqualSplits(int total, int parts)
    {
        if (parts <= 0 || total % parts != 0) throw new ArgumentException($"{total} does not split into {parts} equal parts");
        return Enumerable.Repeat(total / parts, parts).ToArray();
    }

    /// <summary>Batched matrix product with NumPy broadcasting over leading axes; rank-1 operands are promoted and the
    /// added axis removed again.</summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        var aVec = a.Rank == 1; var bVec = b.Rank == 1;
        if (aVec) a = a.Reshape(new[] { 1, a.Shape[0] });
        if (bVec) b = b.Reshape(new[] { b.Shape[0], 1 });
        if (transposeA) a = SwapLast(a);
        if (transposeB) b = SwapLast(b);
        int m = a.Shape[^2], k = a.Shape[^1], k2 = b.Shape[^2], n = b.Shape[^1];
        if (k != k2) throw new ArgumentException($"matmul inner dimensions {k} and {k2} differ");
        var batch = BroadcastShape(a.Shape[..^2], b.Shape[..^2]);
        var ia = BroadcastIndex(a.Shape[..^2], batch);
        var ib = BroadcastIndex(b.Shape[..^2], batch);
        var y = new float[ia.Length * m * n];
        for (var t = 0; t < ia.Length; t++)
        {
            var ao = ia[t] * m * k; var bo = ib[t] * k * n; var yo = t * m * n;
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    double s = 0;
                    for (var p = 0; p < k; p++) s += (double)a.Data[ao + i * k + p] * b.Data[bo + p * n + j];
                    y[yo + i * n + j] = (float)s;
                }
        }
        var shape = batch.Concat(new[] { m, n }).ToList();
        if (bVec) shape.RemoveAt(shape.Count - 1);
        if (aVec) shape.RemoveAt(shape.Count - (bVec ? 1 : 2));
        return new Tensor(shape.ToArray(), y, Promote(a.Type, b.Type));
    }

    public static Tensor SwapLast(Tensor x)
    {
        var perm = Enumerable.Range(0, x.Rank).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return Transpose(x, perm);
    }

    /// <summary>Rounds every value to the nearest <see cref="Half"/> (round to nearest even, overflow to ±inf).</summary>
    public static Tensor RoundToHalf(Tensor x, TensorElement? type = null)
    {
        var y = new float[x.Count];
        for (var i = 0; i < y.Length; i++) y[i] = (float)(Half)x.Data[i];
        return new Tensor(x.Shape, y, type ?? x.Type);
    }

    /// <summary>Largest absolute difference between two tensors of equal element count (NaN if either has a NaN where
    /// the other does not).</summary>
    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        if (a.Count != b.Count) return double.PositiveInfinity;
        double worst = 0;
        for (var i = 0; i < a.Count; i++)
        {
            float x = a.Data[i], y = b.Data[i];
            if (float.IsNaN(x) || float.IsNaN(y)) { if (float.IsNaN(x) != float.IsNaN(y)) return double.NaN; continue; }
            if (x == y) continue;
            worst = Math.Max(worst, Math.Abs((double)x - y));
        }
        return worst;
    }
}
