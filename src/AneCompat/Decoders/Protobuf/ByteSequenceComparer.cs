namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Compares byte arrays by content, and lets a dictionary keyed by them be searched with a span
/// (<c>GetAlternateLookup&lt;ReadOnlySpan&lt;byte&gt;&gt;</c>), so a lookup of wire bytes allocates nothing.
/// </summary>
internal sealed class ByteSequenceComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteSequenceComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);
    public int GetHashCode(byte[] bytes) => GetHashCode((ReadOnlySpan<byte>)bytes);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var hash = new HashCode();
        hash.AddBytes(alternate);
        return hash.ToHashCode();
    }

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
