namespace AneCompat.Evaluation;

/// <summary>A dense row-major fp32 tensor for the fix checks' reference evaluation.</summary>
public sealed class FixTensor
{
    public FixTensor(long[] shape, float[] data)
    {
        if (shape.Aggregate(1L, (a, b) => a * b) != data.Length)
            throw new ArgumentException($"shape [{string.Join(",", shape)}] does not hold {data.Length} values");
        Shape = shape;
        Data = data;
    }

    public long[] Shape { get; }
    public float[] Data { get; }
    public int Rank => Shape.Length;

    public static FixTensor Random(long[] shape, Random random)
    {
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[n];
        for (var i = 0; i < n; i++) data[i] = (float)(random.NextDouble() * 4 - 2);
        return new FixTensor(shape, data);
    }

    public static long[] Strides(long[] shape)
    {
        var s = new long[shape.Length];
        long acc = 1;
        for (var i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>NumPy broadcasting of two shapes, or null when they do not broadcast.</summary>
    public static long[]? Broadcast(long[] a, long[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var r = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            var db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            r[i] = Math.Max(da, db);
        }
        return r;
    }

    /// <summary>Element-wise <paramref name="f"/> with NumPy broadcasting.</summary>
    public static FixTensor Zip(FixTensor a, FixTensor b, Func<float, float, float> f)
    {
        var shape = Broadcast(a.Shape, b.Shape) ?? throw new FixEvaluationException($"shapes [{string.Join(",", a.Shape)}] and [{string.Join(",", b.Shape)}] do not broadcast");
        var n = (int)shape.Aggregate(1L, (x, y) => x * y);
        var outData = new float[n];
        var sa = BroadcastStrides(a.Shape, shape);
        var sb = BroadcastStrides(b.Shape, shape);
        var idx = new long[shape.Length];
        for (var i = 0; i < n; i++)
        {
            long ia = 0, ib = 0;
            for (var d = 0; d < shape.Length; d++) { ia += idx[d] * sa[d]; ib += idx[d] * sb[d]; }
            outData[i] = f(a.Data[ia], b.Data[ib]);
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return new FixTensor(shape, outData);
    }

    private static long[] BroadcastStrides(long[] shape, long[] target)
    {
        var strides = Strides(shape);
        var r = new long[target.Length];
        var off = target.Length - shape.Length;
        for (var d = 0; d < target.Length; d++)
            r[d] = d < off || shape[d - off] == 1 ? 0 : strides[d - off];
        return r;
    }

    public FixTensor Map(Func<float, float> f) => new(Shape, Data.Select(f).ToArray());
}

public sealed class FixEvaluationException(string message) : Exception(message);
