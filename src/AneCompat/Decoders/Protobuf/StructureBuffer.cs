namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// The weight-free structure <see cref="WeightElidingReader"/> writes, held in fixed-size chunks instead of one array
/// that doubles as it grows: a doubling array allocates about twice the structure over its life and its last copies
/// land on the large-object heap, and every freshly touched page costs a page fault. Chunks stay under the
/// large-object threshold. The first chunk starts at the size the caller expects (a small model gets a small buffer)
/// and doubles up to the chunk size, so a position's chunk is always <c>position / ChunkSize</c>.
/// Length slots reserved before a nested message is written are patched in place, across a chunk boundary if they
/// straddle one.
/// </summary>
internal sealed class StructureBuffer
{
    /// <summary>Size of every chunk after the first: 64 KiB, under the 85,000-byte large-object threshold.</summary>
    public const int ChunkSize = 64 * 1024;

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
            var chunk = _chunks[(int)(position / ChunkSize)];
            var offset = (int)(position % ChunkSize);
            var n = Math.Min(bytes.Length, chunk.Length - offset);
            bytes[..n].CopyTo(chunk.AsSpan(offset));
            position += n;
            bytes = bytes[n..];
        }
    }

    /// <summary>A forward-only stream over the bytes written (for the protobuf parser).</summary>
    public Stream OpenRead() => new Reader(this);

    private void MakeRoom()
    {
        if (_chunks.Count == 1 && _current.Length < ChunkSize)
        {
            // Still the first chunk, below full size: grow it in place of adding a chunk.
            Array.Resize(ref _current, Math.Min(_current.Length * 2, ChunkSize));
            _chunks[0] = _current;
            return;
        }
        _current = new byte[ChunkSize];
        _chunks.Add(_current);
        _used = 0;
    }

    private sealed class Reader(StructureBuffer buffer) : Stream
    {
        private long _position;

        public override int Read(byte[] destination, int offset, int count) => Read(destination.AsSpan(offset, count));

        public override int Read(Span<byte> destination)
        {
            var total = 0;
            while (destination.Length > 0 && _position < buffer.Length)
            {
                var chunk = buffer._chunks[(int)(_position / ChunkSize)];
                var start = (int)(_position % ChunkSize);
                var available = (int)Math.Min(chunk.Length - start, buffer.Length - _position);
                var n = Math.Min(available, destination.Length);
                chunk.AsSpan(start, n).CopyTo(destination);
                destination = destination[n..];
                _position += n;
                total += n;
            }
            return total;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => buffer.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
