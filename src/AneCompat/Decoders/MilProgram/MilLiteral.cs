using AneCompat.Diagnostics;
using AneCompat.Graph;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Decoders.MilProgram;

/// <summary>
/// Collects the scalars of one MIL literal (a tensor value, a list, a tuple, a dictionary) in reading order.
/// At most <see cref="Limits.MaxInlineConstantElements"/> are kept; beyond that they are only counted, so a huge
/// inline tensor costs no memory.
/// </summary>
public sealed class MilLiteral
{
    private readonly List<long> _ints = new();
    private readonly List<double> _floats = new();
    private readonly List<bool> _bools = new();
    private readonly List<string> _strings = new();
    private bool _integral = true;

    /// <summary>Scalars seen, kept or not.</summary>
    public long Count { get; private set; }

    /// <summary>Bytes the literal occupies when the element type gives no width (raw byte payloads).</summary>
    public long RawBytes { get; set; }

    private bool Keep() => Count++ < Limits.MaxInlineConstantElements;

    public void AddInt(long v)
    {
        if (!Keep()) return;
        _ints.Add(v);
        _floats.Add(v);
    }

    public void AddFloat(double v)
    {
        if (!Keep()) return;
        _integral &= double.IsFinite(v) && Math.Floor(v) == v && Math.Abs(v) < 9.2e18;
        _ints.Add(_integral ? (long)v : 0);
        _floats.Add(v);
    }

    public void AddBool(bool v)
    {
        if (!Keep()) return;
        _bools.Add(v);
        _ints.Add(v ? 1 : 0);
        _floats.Add(v ? 1 : 0);
    }

    public void AddString(string v)
    {
        if (!Keep()) return;
        _strings.Add(v);
    }

    /// <summary>A raw byte payload: packed fp16, int8 and uint8 values are decoded when small; other widths are only sized.</summary>
    public void AddBytes(ReadOnlySpan<byte> bytes, ElementType element)
    {
        RawBytes = bytes.Length;
        switch (element)
        {
            case ElementType.Float16 when bytes.Length / 2 <= Limits.MaxInlineConstantElements:
                for (var i = 0; i + 1 < bytes.Length; i += 2)
                    AddFloat((double)BitConverter.ToHalf(bytes.Slice(i, 2)));
                break;
            case ElementType.Int8 when bytes.Length <= Limits.MaxInlineConstantElements:
                foreach (var b in bytes) AddInt((sbyte)b);
                break;
            case ElementType.UInt8 when bytes.Length <= Limits.MaxInlineConstantElements:
                foreach (var b in bytes) AddInt(b);
                break;
        }
    }

    private bool Complete => Count <= Limits.MaxInlineConstantElements;

    /// <summary>The constant for a literal declared with <paramref name="type"/>.</summary>
    public ConstantValue ToConstant(ValueType type)
    {
        var element = type.Element;
        var payload = type.ByteSize ?? (RawBytes > 0 ? RawBytes : (Count * Math.Max(element.Bits(), 8) + 7) / 8);
        if (!Complete) return new ConstantValue { Type = type, PayloadBytes = payload };
        if (_strings.Count > 0 || element == ElementType.String)
            return new ConstantValue { Type = type, Strings = _strings.ToArray(), PayloadBytes = payload };
        if (element == ElementType.Bool)
            return new ConstantValue { Type = type, Bools = _bools.Count == _ints.Count ? _bools.ToArray() : _ints.Select(i => i != 0).ToArray(), PayloadBytes = payload };
        if (element.IsInteger() && _integral)
            return new ConstantValue { Type = type, Ints = _ints.ToArray(), PayloadBytes = payload };
        if (element.IsFloat() || element == ElementType.Unknown && !_integral)
            return new ConstantValue { Type = type, Floats = _floats.ToArray(), PayloadBytes = payload };
        if (_bools.Count > 0 && _bools.Count == _ints.Count)
            return new ConstantValue { Type = type, Bools = _bools.ToArray(), PayloadBytes = payload };
        return new ConstantValue { Type = type, Ints = _integral ? _ints.ToArray() : null, Floats = _integral ? null : _floats.ToArray(), PayloadBytes = payload };
    }

    /// <summary>A constant whose bytes live in a weight file.</summary>
    public static ConstantValue FromBlob(ValueType type, WeightRef blob) => new()
    {
        Type = type,
        Blob = blob,
        // A missing file gives no header size; the tensor type still says how big the weight is.
        PayloadBytes = blob.SizeBytes ?? type.ByteSize ?? 0,
    };
}
