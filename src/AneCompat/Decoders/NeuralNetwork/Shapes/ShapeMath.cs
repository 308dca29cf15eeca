using AneCompat.Graph;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>Dimension arithmetic where an unknown operand makes the result unknown.</summary>
internal static class ShapeMath
{
    public static Dim Map(Dim d, Func<long, long> f) => d.Size is { } s ? Checked(() => f(s)) : Dim.Unknown;

    public static Dim Mul(Dim a, Dim b) => a.Size is { } x && b.Size is { } y ? Checked(() => checked(x * y)) : Dim.Unknown;

    public static Dim Add(Dim a, Dim b) => a.Size is { } x && b.Size is { } y ? Checked(() => checked(x + y)) : Dim.Unknown;

    /// <summary>Product of the dims, unknown if any is.</summary>
    public static Dim Product(IEnumerable<Dim> dims) => dims.Aggregate(Dim.Of(1), Mul);

    // Sizes from a hostile file can overflow or go negative; such a dim is unknown, not wrapped.
    private static Dim Checked(Func<long> compute)
    {
        try
        {
            var v = compute();
            return v >= 0 ? Dim.Of(v) : Dim.Unknown;
        }
        catch (Exception e) when (e is OverflowException or DivideByZeroException)
        {
            return Dim.Unknown;
        }
    }

    public static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -((-a) / b);

    public static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>Numpy-style broadcast of all shapes; unknown rank anywhere gives an unknown shape.</summary>
    public static TensorShape Broadcast(IReadOnlyList<TensorShape> shapes)
    {
        if (shapes.Count == 0 || shapes.Any(s => s.Dims is null)) return TensorShape.Unknown;
        var rank = shapes.Max(s => s.Dims!.Count);
        var result = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            long? size = 1;
            var anyUnknown = false;
            foreach (var s in shapes)
            {
                var j = s.Dims!.Count - rank + i;
                if (j < 0) continue;
                var d = s.Dims[j];
                if (d.Size is not { } n) { anyUnknown = true; continue; }
                if (n == 1) continue;
                if (size == 1) size = n;
                else if (size != n) size = null;   // incompatible: the file is wrong, do not pick one
            }
            result[i] = size is null ? Dim.Unknown
                : size == 1 && anyUnknown ? Dim.Unknown
                : Dim.Of(size.Value);
        }
        return new TensorShape(result);
    }

    /// <summary>Normalises a possibly negative axis against a rank; null when out of range.</summary>
    public static int? Axis(long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? (int)a : null;
    }
}
