using Google.Protobuf;

namespace AneCompat.Writing;

/// <summary>A piece of the output: new bytes, or a byte range streamed from the original file.</summary>
public abstract class SpliceChunk
{
    public abstract long Length { get; }
    internal abstract void WriteTo(Stream original, Stream output, byte[] buffer);

    public static SpliceChunk Bytes(byte[] bytes) => new BytesChunk(bytes);
    public static SpliceChunk Original(long start, long end) => new RangeChunk(start, end);

    /// <summary>A complete length-delimited field: tag, length and the serialized message.</summary>
    public static SpliceChunk Field(int number, IMessage message)
    {
        var body = message.ToByteArray();
        var stream = new MemoryStream();
        var coded = new CodedOutputStream(stream);
        coded.WriteTag(number, WireFormat.WireType.LengthDelimited);
        coded.WriteLength(body.Length);
        coded.Flush();
        stream.Write(body);
        return new BytesChunk(stream.ToArray());
    }

    /// <summary>A complete varint field.</summary>
    public static SpliceChunk VarintField(int number, ulong value)
    {
        var stream = new MemoryStream();
        var coded = new CodedOutputStream(stream);
        coded.WriteTag(number, WireFormat.WireType.Varint);
        coded.WriteUInt64(value);
        coded.Flush();
        return new BytesChunk(stream.ToArray());
    }

    private sealed class BytesChunk(byte[] bytes) : SpliceChunk
    {
        public override long Length => bytes.Length;
        internal override void WriteTo(Stream original, Stream output, byte[] buffer) => output.Write(bytes);
    }

    private sealed class RangeChunk(long start, long end) : SpliceChunk
    {
        public override long Length => end - start;

        internal override void WriteTo(Stream original, Stream output, byte[] buffer)
        {
            original.Position = start;
            var left = end - start;
            while (left > 0)
            {
                var n = original.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n <= 0) throw new IOException($"the input file shrank while it was being rewritten (at offset {original.Position})");
                output.Write(buffer, 0, n);
                left -= n;
            }
        }
    }
}

/// <summary>
/// The edits to one message of the original file: fields replaced (by zero or more new fields), nested messages
/// edited in turn, and new fields added at the start or the end. Every field without an edit is copied byte for byte.
/// </summary>
public sealed class MessageEdit
{
    private readonly Dictionary<long, IReadOnlyList<SpliceChunk>> _replaced = new();
    private readonly Dictionary<long, MessageEdit> _children = new();

    public MessageEdit(WireMessage message) => Message = message;

    public WireMessage Message { get; }
    public List<SpliceChunk> Prepended { get; } = new();
    public List<SpliceChunk> Appended { get; } = new();

    public bool IsEmpty => _replaced.Count == 0 && _children.Values.All(c => c.IsEmpty) && Prepended.Count == 0 && Appended.Count == 0;

    /// <summary>Replaces one field occurrence by <paramref name="chunks"/> (nothing removes it).</summary>
    public void Replace(WireField field, params SpliceChunk[] chunks)
    {
        if (_children.ContainsKey(field.TagStart)) throw new InvalidOperationException($"field at offset {field.TagStart} is both replaced and edited");
        _replaced[field.TagStart] = chunks;
    }

    public bool IsReplaced(WireField field) => _replaced.ContainsKey(field.TagStart);

    /// <summary>The edit of the nested message that is the value of <paramref name="field"/>.</summary>
    public MessageEdit Child(WireField field, WireIndex index)
    {
        if (_replaced.ContainsKey(field.TagStart)) throw new InvalidOperationException($"field at offset {field.TagStart} is both replaced and edited");
        if (!_children.TryGetValue(field.TagStart, out var child))
            _children[field.TagStart] = child = new MessageEdit(index.Index(field));
        return child;
    }

    internal IReadOnlyList<SpliceChunk>? ReplacementOf(WireField f) => _replaced.GetValueOrDefault(f.TagStart);
    internal MessageEdit? ChildOf(WireField f) => _children.GetValueOrDefault(f.TagStart);
}
