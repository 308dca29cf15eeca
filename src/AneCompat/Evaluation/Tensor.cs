namespace AneCompat.Evaluation;

/// <summary>Element type a <see cref="Tensor"/> stands for. Values are always held as <see cref="float"/>; the tag
/// decides rounding (fp16 values are kept representable in <see cref="Half"/>) and what a cast produces.</summary>
public enum TensorElement { Float32, Float16, Int32, Bool }

/// <summary>
/// A dense row-major tensor of the reference evaluator. Integers and booleans are held as floats too (exact up to
/// 2^24, far beyond any shape or index the evaluated ops use), which keeps every kernel one loop over floats.
/// </summary>
public sealed class Tensor
{
    public int[] Shape { get; }
    public float[] Data { get; }
    public TensorElement Type { get; }

    public Tensor(int[] shape, float[] data, TensorElement type = TensorElement.Float32)
    {
        var count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException($"shape [{string.Join(", ", shape)}] holds {count} elements, data has {data.Length}");
        Shape = shape;
        Data = data;
        Type = type;
    }

    public static Tensor Zeros(int[] shape, TensorElement type = TensorElement.Float32) => new(shape, new float[ElementCount(shape)], type);
    public static Tensor Scalar(float value, TensorElement type = TensorElement.Float32) => new(Array.Empty<int>(), new[] { value }, type);

    public int Rank => Shape.Length;
    public int Count => Data.Length;

    public static int ElementCount(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("negative dimension");
            n *= d;
            if (n > int.MaxValue) throw new NotCoveredException("tensor larger than 2^31 elements");
        }
        return (int)n;
    }

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(IReadOnlyList<int> shape)
    {
        var s = new int[shape.Count];
        var acc = 1;
        for (var i = shape.Count - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>The same data under another shape with as many elements.</summary>
    public Tensor Reshape(int[] shape) => new(shape, Data, Type);

    public Tensor WithType(TensorElement type) => new(Shape, Data, type);

    /// <summary>Normalises a possibly negative axis; throws for one out of range.</summary>
    public int Axis(long axis)
    {
        var a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank) throw new ArgumentException($"axis {axis} out of range for rank {Rank}");
        return (int)a;
    }

    public override string ToString() => $"{Type}[{string.Join(", ", Shape)}]";
}

/// <summary>The evaluator met something it does not implement; it says so instead of guessing.</summary>
public sealed class NotCoveredException : Exception
{
    /// <summary>The op, layer or feature kind that is not covered.</summary>
    public string Kind { get; }

    public NotCoveredException(string kind) : base($"not covered: {kind}") => Kind = kind;
}
