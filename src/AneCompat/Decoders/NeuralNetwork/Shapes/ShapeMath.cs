using AneCompat.Graph;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>Dimension arithmetic where an unknown operand makes the result unknown.</summary>
internal static class ShapeMath
{
    // Each of these runs for every axis of every layer: the arithmetic is done in place, not wrapped in a closure.
    public static Dim Map(Dim d, Func<long, long> f)
    {
        if (d.Size is not { } s) return Dim.Unknown;
        try { return NonNegative(f(s)); }
        catch (Exception e) when (e is OverflowException or DivideByZeroException) { return Dim.Unknown; }
    }

    public static Dim Mul(Dim a, Dim b)
    {
        if (a.Size is not { } x || b.Size is not { } y) return Dim.Unknown;
        try { return NonNegative(checked(x * y)); }
        catch (OverflowException) { return Dim.Unknown; }
    }

    public static Dim Add(Dim a, Dim b)
    {
        if (a.Size is not { } x || b.Size is not { } y) return Dim.Unknown;
        try { return NonNegative(checked(x + y)); }
        catch (OverflowException) { return Dim.Unknown; }
    }

    /// <summary>Product of the dims, unknown if any is.</summary>
    public static Dim Product(IEnumerable<Dim> dims) => dims.Aggregate(Dim.Of(1), Mul);

    // Sizes from a hostile file can overflow or go negative; such a dim is unknown, not wrapped.
    public static Dim NonNegative(long size) => size >= 0 ? Dim.Of(size) : Dim.Unknown;

    public static long CeilDiv(long a, long b) => a >= 0 ? (a + b - 1) / b : -((-a) / b);

    public static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    /// <summary>Numpy-style broadcast of all shapes; unknown rank anywhere gives an unknown shape.</summary>
    public static TensorShape Broadcast(IReadOnlyList<TensorShape> shapes)
    {
        // Indexed loops: elementwise layers are common and this runs for each.
        if (shapes.Count == 0) return TensorShape.Unknown;
        var rank = 0;
        for (var k = 0; k < shapes.Count; k++)
        {
            if (shapes[k].Dims is not { } dims) return TensorShape.Unknown;
            rank = Math.Max(rank, dims.Count);
        }
        var result = new Dim[rank];
        for (var i = 0; i < rank; i++)
        {
            long? size = 1;
            var anyUnknown = false;
            for (var k = 0; k < shapes.Count; k++)
            {
                var s = shapes[k];
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
