namespace AneCompat.Diagnostics;

/// <summary>
/// Saturating arithmetic for every byte, FLOP and element total computed from numbers in untrusted files: it never
/// overflows and never throws; results clamp to <see cref="long.MaxValue"/> (or <see cref="long.MinValue"/>).
/// One helper for the whole pipeline, so a hostile size cannot turn into an exception in a later stage.
/// </summary>
public static class Saturating
{
    public static long Add(long a, long b)
    {
        var r = unchecked(a + b);
        // Overflow only when both operands have the same sign and the result's sign differs.
        if (((a ^ r) & (b ^ r)) < 0) return a < 0 ? long.MinValue : long.MaxValue;
        return r;
    }

    public static long Mul(long a, long b)
    {
        var high = Math.BigMul(a, b, out long low);
        if (high == (low >> 63)) return low;
        return (a < 0) != (b < 0) ? long.MinValue : long.MaxValue;
    }

    /// <summary>a − b, clamped.</summary>
    public static long Sub(long a, long b) => b == long.MinValue ? (a >= 0 ? long.MaxValue : a - b) : Add(a, -b);

    /// <summary>An unsigned 64-bit count from a file as a long, clamped to <see cref="long.MaxValue"/>.</summary>
    public static long FromUnsigned(ulong v) => v > long.MaxValue ? long.MaxValue : (long)v;

    /// <summary>A double count (a FLOP estimate × a factor) as a long, clamped; NaN counts as unknown (null).</summary>
    public static long? FromDouble(double v)
    {
        if (double.IsNaN(v)) return null;
        if (v >= long.MaxValue) return long.MaxValue;
        if (v <= long.MinValue) return long.MinValue;
        return (long)v;
    }

    public static long Sum(IEnumerable<long> values)
    {
        long s = 0;
        foreach (var v in values) s = Add(s, v);
        return s;
    }

    public static long Product(IEnumerable<long> values)
    {
        long p = 1;
        foreach (var v in values) p = Mul(p, v);
        return p;
    }
}
