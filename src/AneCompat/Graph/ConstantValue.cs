namespace AneCompat.Graph;

/// <summary>Where a weight tensor's bytes live, described without reading them.</summary>
/// <param name="File">Path of the file holding the bytes (absolute, or as written when unresolved).</param>
/// <param name="Offset">Offset of the blob's metadata record (MIL blob files) or of the payload.</param>
/// <param name="Element">Element type of the stored data, when the header says.</param>
/// <param name="SizeBytes">Payload size from the header, when the file was present.</param>
/// <param name="Resolved">False when the file is missing or the header could not be read.</param>
public sealed record WeightRef(string File, ulong Offset, ElementType Element, long? SizeBytes, bool Resolved);

/// <summary>
/// A constant known at analysis time: small literals are kept as values, large tensors as a
/// <see cref="WeightRef"/> or just a byte count (their bytes are never loaded).
/// </summary>
public sealed class ConstantValue
{
    public required ValueType Type { get; init; }
    public long[]? Ints { get; init; }
    public double[]? Floats { get; init; }
    public bool[]? Bools { get; init; }
    public string[]? Strings { get; init; }
    public WeightRef? Blob { get; init; }

    /// <summary>Bytes of payload this constant stands for (inline or in a weight file).</summary>
    public long PayloadBytes { get; init; }

    public long? AsLong() => Ints is { Length: 1 } ? Ints[0] : Floats is { Length: 1 } ? (long)Floats[0] : null;
    public double? AsDouble() => Floats is { Length: 1 } ? Floats[0] : Ints is { Length: 1 } ? Ints[0] : null;
    public bool? AsBool() => Bools is { Length: 1 } ? Bools[0] : null;
    public string? AsString() => Strings is { Length: 1 } ? Strings[0] : null;

    public override string ToString()
    {
        if (Blob is not null) return $"blob({Blob.Offset})";
        if (Ints is not null) return Ints.Length == 1 ? Ints[0].ToString() : "[" + string.Join(", ", Ints.Take(8)) + (Ints.Length > 8 ? ", …" : "") + "]";
        if (Floats is not null) return Floats.Length == 1 ? Floats[0].ToString("R") : "[" + string.Join(", ", Floats.Take(8).Select(f => f.ToString("R"))) + (Floats.Length > 8 ? ", …" : "") + "]";
        if (Bools is not null) return Bools.Length == 1 ? Bools[0].ToString().ToLowerInvariant() : $"bool[{Bools.Length}]";
        if (Strings is not null) return Strings.Length == 1 ? $"\"{Strings[0]}\"" : $"string[{Strings.Length}]";
        return Type.ToString();
    }
}
