namespace AneCompat.Graph;

/// <summary>One axis of a shape: a known size, a named symbol (e.g. a flexible dimension), or unknown.</summary>
public readonly record struct Dim(long? Size, string? Symbol = null)
{
    public static Dim Unknown => new(null);
    public static Dim Of(long size) => new(size);
    public static Dim Named(string symbol) => new(null, symbol);
    public bool IsKnown => Size.HasValue;
    public override string ToString() => Size?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Symbol ?? "?";
}

/// <summary>
/// A tensor shape. <see cref="Dims"/> is null when even the rank is unknown; individual axes may be unknown.
/// </summary>
public sealed record TensorShape(IReadOnlyList<Dim>? Dims)
{
    public static readonly TensorShape Unknown = new((IReadOnlyList<Dim>?)null);
    public static readonly TensorShape Scalar = new(Array.Empty<Dim>());

    public static TensorShape Of(params long[] sizes) => new(sizes.Select(Dim.Of).ToArray());
    public static TensorShape Of(IEnumerable<long> sizes) => new(sizes.Select(Dim.Of).ToArray());

    public int? Rank => Dims?.Count;
    public bool IsKnown
    {
        get
        {
            // Indexed loops, not LINQ or foreach over the interface: the planner and checks ask for every value.
            if (Dims is null) return false;
            for (var i = 0; i < Dims.Count; i++)
                if (!Dims[i].IsKnown) return false;
            return true;
        }
    }

    /// <summary>Sizes when every axis is known, otherwise null.</summary>
    public long[]? Sizes => IsKnown ? Dims!.Select(d => d.Size!.Value).ToArray() : null;

    /// <summary>Number of elements when every axis is known (saturating, never overflows).</summary>
    public long? ElementCount
    {
        get
        {
            if (!IsKnown) return null;
            long n = 1;
            for (var i = 0; i < Dims!.Count; i++)
            {
                var s = Dims[i].Size!.Value;
                if (s < 0) return null;
                n = s != 0 && n > long.MaxValue / s ? long.MaxValue : n * s;
            }
            return n;
        }
    }

    public Dim this[int axis] => Dims is null ? Dim.Unknown : Dims[axis < 0 ? Dims.Count + axis : axis];

    public bool Equals(TensorShape? other) =>
        other is not null && (Dims is null ? other.Dims is null : other.Dims is not null && Dims.SequenceEqual(other.Dims));

    public override int GetHashCode()
    {
        if (Dims is null) return 0;
        var h = 17;
        for (var i = 0; i < Dims.Count; i++) h = h * 31 + Dims[i].GetHashCode();
        return h;
    }

    public override string ToString() => Dims is null ? "?" : "[" + string.Join(", ", Dims) + "]";
}
