using System.Buffers.Binary;
using System.Text;
using AneCompat.Diagnostics;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Forward reader of the fields of one protobuf message held in memory: each <see cref="Next"/> yields a field's
/// number, wire type and payload (a varint, or the bytes of a fixed-size or length-delimited field) as a slice of
/// the message, so nothing is allocated. Malformed input is refused in one line naming the file, as the protobuf
/// library refuses it and in its words, so a refusal reads the same whichever way the bytes were decoded: truncated
/// payloads, malformed varints, invalid UTF-8 in strings.
/// </summary>
internal ref struct WireFields
{
    public const int VarintType = 0, Fixed64Type = 1, LengthDelimitedType = 2, Fixed32Type = 5;

    /// <summary>Strings are decoded strictly, as the protobuf library does (it refuses invalid UTF-8).</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _message;
    private readonly string _path;
    private int _position;

    public WireFields(ReadOnlySpan<byte> message, string path)
    {
        _message = message;
        _path = path;
    }

    public int Field { get; private set; }
    public int WireType { get; private set; }

    /// <summary>The value of a varint field.</summary>
    public ulong Varint { get; private set; }

    /// <summary>The payload of a length-delimited field, or the 4 or 8 bytes of a fixed-size one.</summary>
    public ReadOnlySpan<byte> Bytes { get; private set; }

    /// <summary>Where <see cref="Bytes"/> starts in the message.</summary>
    public int BytesStart { get; private set; }

    /// <summary>True for field <paramref name="field"/> sent length-delimited (a message, string, bytes or packed numbers).</summary>
    public readonly bool IsLengthDelimited(int field) => Field == field && WireType == LengthDelimitedType;

    public bool Next()
    {
        if (_position >= _message.Length) return false;
        var tag = ReadVarint(_message, ref _position, _path);
        Field = (int)(tag >> 3 & 0x1FFFFFFF);
        WireType = (int)(tag & 7);
        if (Field == 0) throw Invalid(_path, "Protocol message contained an invalid tag (zero).");
        switch (WireType)
        {
            case VarintType:
                Varint = ReadVarint(_message, ref _position, _path);
                break;
            case Fixed64Type:
                Take(8);
                break;
            case Fixed32Type:
                Take(4);
                break;
            case LengthDelimitedType:
                var length = ReadVarint(_message, ref _position, _path);
                if (length > (ulong)(_message.Length - _position)) throw Truncated(_path);
                Take((int)length);
                break;
            default:
                throw Invalid(_path, "Protocol message contained a tag with an invalid wire type.");
        }
        return true;
    }

    private void Take(int count)
    {
        if (_message.Length - _position < count) throw Truncated(_path);
        BytesStart = _position;
        Bytes = _message.Slice(_position, count);
        _position += count;
    }

    /// <summary>Reads one varint at <paramref name="position"/> (packed numbers are read with it too).</summary>
    public static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position, string path)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= bytes.Length) throw Truncated(path);
            var b = bytes[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Invalid(path, "CodedInputStream encountered a malformed varint.");
    }

    public static float Float(ReadOnlySpan<byte> fixed32) => BinaryPrimitives.ReadSingleLittleEndian(fixed32);
    public static double Double(ReadOnlySpan<byte> fixed64) => BinaryPrimitives.ReadDoubleLittleEndian(fixed64);

    public readonly string String() => String(Bytes, _path);

    public static string String(ReadOnlySpan<byte> utf8, string path)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(path, "String is invalid UTF-8.");
        }
    }

    /// <summary>Refuses the field's bytes when they are not valid UTF-8 (a string the decoder does not keep).</summary>
    public readonly void CheckUtf8()
    {
        if (!System.Text.Unicode.Utf8.IsValid(Bytes)) throw Invalid(_path, "String is invalid UTF-8.");
    }

    public static ModelReadException Truncated(string path) => Invalid(path,
        "While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean " +
        "either that the input has been truncated or that an embedded message misreported its own length.");

    public static ModelReadException Invalid(string path, string problem) => new(path, $"not a valid Core ML model: {problem}");
}
