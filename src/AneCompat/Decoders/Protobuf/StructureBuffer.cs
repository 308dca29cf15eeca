using System.Buffers;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// The weight-free structure <see cref="WeightElidingReader"/> writes, held in chunks instead of one array that
/// doubles as it grows: a doubling array allocates about twice the structure over its life, and every freshly
/// touched page costs a page fault. The first megabyte is held in 64 KiB chunks, under the large-object threshold,
/// the first of them starting at the size the caller expects (a small model gets a small buffer) and doubling up to
/// 64 KiB; beyond it, in 1 MiB chunks on the large-object heap, which collections never copy (the structure of a
/// 100,000-op program is about ten megabytes, and small chunks would be copied from generation to generation).
/// Length slots reserved before a nested message is written are patched in place, across a chunk boundary if they
/// straddle one.
/// </summary>
internal sealed class StructureBuffer
{
    /// <summary>Size of the chunks of the first megabyte: 64 KiB, under the 85,000-byte large-object threshold.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Size of the chunks after the first megabyte.</summary>
    public const int LargeChunkSize = 1024 * 1024;

    /// <summary>Where the large chunks start: after 16 small ones.</summary>
    public const long LargeChunksFrom = 16L * ChunkSize;

    private const int SmallestFirstChunk = 256;

    private readonly List<byte[]> _chunks = new();
    private byte[] _current;
    private int _used;

    /// <param name="expectedLength">The structure's likely size (a hint: the buffer grows past it as needed).</param>
    public StructureBuffer(long expectedLength = ChunkSize)
    {
        _current = new byte[(int)Math.Clamp(expectedLength, SmallestFirstChunk, ChunkSize)];
        _chunks.Add(_current);
    }

    /// <summary>Bytes written so far.</summary>
    public long Length { get; private set; }

    public void WriteByte(byte value)
    {
        if (_used == _current.Length) MakeRoom();
        _current[_used++] = value;
        Length++;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            if (_used == _current.Length) MakeRoom();
            var n = Math.Min(bytes.Length, _current.Length - _used);
            bytes[..n].CopyTo(_current.AsSpan(_used));
            _used += n;
            Length += n;
            bytes = bytes[n..];
        }
    }

    public void WriteVarint(ulong value)
    {
        Span<byte> bytes = stackalloc byte[10];
        var n = 0;
        while (value >= 0x80)
        {
            bytes[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        bytes[n++] = (byte)value;
        Write(bytes[..n]);
    }

    /// <summary>Writes <paramref name="count"/> zero bytes to be patched later and returns where they start.</summary>
    public long Reserve(int count)
    {
        var position = Length;
        Span<byte> zeros = stackalloc byte[count];
        zeros.Clear();
        Write(zeros);
        return position;
    }

    /// <summary>Overwrites bytes already written at <paramref name="position"/>.</summary>
    public void Patch(long position, ReadOnlySpan<byte> bytes)
    {
        if (position < 0 || position + bytes.Length > Length) throw new ArgumentOutOfRangeException(nameof(position));
        while (bytes.Length > 0)
        {
            var (index, offset) = Locate(position);
            var chunk = _chunks[index];
            var n = Math.Min(bytes.Length, chunk.Length - offset);
            bytes[..n].CopyTo(chunk.AsSpan(offset));
            position += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>The bytes written, as one sequence over the chunks (for the protobuf parser).</summary>
    public ReadOnlySequence<byte> ToSequence()
    {
        if (_chunks.Count == 1) return new ReadOnlySequence<byte>(_current, 0, _used);
        var first = new Segment(_chunks[0], 0);
        var last = first;
        for (var i = 1; i < _chunks.Count; i++)
            last = last.Append(i == _chunks.Count - 1 ? _chunks[i].AsMemory(0, _used) : _chunks[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>The chunk holding <paramref name="position"/> and the offset in it.</summary>
    private static (int Index, int Offset) Locate(long position) => position < LargeChunksFrom
        ? ((int)(position / ChunkSize), (int)(position % ChunkSize))
        : ((int)(LargeChunksFrom / ChunkSize + (position - LargeChunksFrom) / LargeChunkSize), (int)((position - LargeChunksFrom) % LargeChunkSize));

    private void MakeRoom()
    {
        if (_chunks.Count == 1 && _current.Length < ChunkSize)
        {
            // Still the first chunk, below full size: grow it in place of adding a chunk.
            Array.Resize(ref _current, Math.Min(_current.Length * 2, ChunkSize));
            _chunks[0] = _current;
            return;
        }
        _current = new byte[Length < LargeChunksFrom ? ChunkSize : LargeChunkSize];
        _chunks.Add(_current);
        _used = 0;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
