using AneCompat.Diagnostics;

namespace AneCompat.Writing;

/// <summary>One field occurrence of a protobuf message as it lies in the original file.</summary>
/// <param name="Number">Field number.</param>
/// <param name="WireType">0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.</param>
/// <param name="TagStart">File offset of the field's tag.</param>
/// <param name="ValueStart">File offset of the value (after the length prefix for length-delimited fields).</param>
/// <param name="End">File offset just past the value.</param>
public sealed record WireField(int Number, int WireType, long TagStart, long ValueStart, long End)
{
    public long ValueLength => End - ValueStart;
}

/// <summary>
/// The top-level fields of one message of the original file, by position only: values are not read, so indexing a
/// message with gigabytes of weights costs a few bytes per field. Nested messages are indexed on demand.
/// </summary>
public sealed class WireMessage
{
    public WireMessage(long start, long end, IReadOnlyList<WireField> fields)
    {
        Start = start;
        End = end;
        Fields = fields;
    }

    /// <summary>File offset of the first byte of the message body.</summary>
    public long Start { get; }
    public long End { get; }
    public IReadOnlyList<WireField> Fields { get; }

    public IEnumerable<WireField> All(int number) => Fields.Where(f => f.Number == number);

    /// <summary>The single occurrence of a message field, or null; two occurrences (protobuf would merge them) are refused.</summary>
    public WireField? Single(int number, string path)
    {
        WireField? found = null;
        foreach (var f in Fields)
        {
            if (f.Number != number) continue;
            if (found is not null)
                throw new ModelReadException(path, $"field {number} occurs more than once in one message; rewriting such a file is not supported");
            found = f;
        }
        return found;
    }
}

/// <summary>Indexes messages of a protobuf file at the wire level (tags and lengths only).</summary>
public sealed class WireIndex : IDisposable
{
    private readonly Stream _file;
    private readonly byte[] _buffer = new byte[16];

    public WireIndex(string path)
    {
        Path = path;
        _file = ModelFiles.OpenRead(path, FileOptions.RandomAccess);
        if (!_file.CanSeek)
        {
            _file.Dispose();
            throw new ModelReadException(path, "cannot be rewritten from inside an archive; extract the model first");
        }
        Length = _file.Length;
        Root = Index(0, Length);
    }

    public string Path { get; }
    public long Length { get; }

    /// <summary>The file's top-level message.</summary>
    public WireMessage Root { get; }

    /// <summary>The file the index reads from (positioned freely by the writer).</summary>
    internal Stream File => _file;

    /// <summary>Indexes the message whose body is the value of <paramref name="field"/>.</summary>
    public WireMessage Index(WireField field)
    {
        if (field.WireType != 2) throw Corrupt($"field {field.Number} at offset {field.TagStart} is not a message");
        return Index(field.ValueStart, field.End);
    }

    public WireMessage Index(long start, long end)
    {
        var fields = new List<WireField>();
        var pos = start;
        while (pos < end)
        {
            var tagStart = pos;
            var tag = ReadVarint(ref pos, end);
            var number = (long)(tag >> 3);
            var wire = (int)(tag & 7);
            if (number is <= 0 or > (1 << 29) - 1) throw Corrupt($"invalid field number {number} at offset {tagStart}");
            long valueStart, valueEnd;
            switch (wire)
            {
                case 0:
                    valueStart = pos;
                    ReadVarint(ref pos, end);
                    valueEnd = pos;
                    break;
                case 1:
                    valueStart = pos;
                    valueEnd = pos + 8;
                    break;
                case 5:
                    valueStart = pos;
                    valueEnd = pos + 4;
                    break;
                case 2:
                    var length = ReadVarint(ref pos, end);
                    if (length > (ulong)(end - pos)) throw Corrupt($"length at offset {tagStart} runs past the end of its message");
                    valueStart = pos;
                    valueEnd = pos + (long)length;
                    break;
                default:
                    throw Corrupt($"unsupported wire type {wire} at offset {tagStart}");
            }
            if (valueEnd > end) throw Corrupt($"field at offset {tagStart} runs past the end of its message");
            fields.Add(new WireField((int)number, wire, tagStart, valueStart, valueEnd));
            pos = valueEnd;
        }
        return new WireMessage(start, end, fields);
    }

    /// <summary>Reads the bytes of a field's value (a message body) — only for the small messages a rewrite edits.</summary>
    public byte[] ReadValue(WireField field, long maxBytes)
    {
        if (field.ValueLength > maxBytes)
            throw Corrupt($"message at offset {field.TagStart} is {field.ValueLength} bytes, over the {maxBytes}-byte limit for a message a rewrite edits");
        var bytes = new byte[field.ValueLength];
        _file.Position = field.ValueStart;
        _file.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Reads a varint field's value.</summary>
    public ulong ReadVarintValue(WireField field)
    {
        var pos = field.ValueStart;
        return ReadVarint(ref pos, field.End);
    }

    private ulong ReadVarint(ref long pos, long end)
    {
        _file.Position = pos;
        var n = _file.Read(_buffer, 0, (int)Math.Min(_buffer.Length, end - pos));
        ulong result = 0;
        for (var i = 0; i < n && i < 10; i++)
        {
            var b = _buffer[i];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                pos += i + 1;
                return result;
            }
        }
        throw Corrupt($"malformed or truncated varint at offset {pos}");
    }

    private ModelReadException Corrupt(string problem) => new(Path, problem);

    public void Dispose() => _file.Dispose();
}
