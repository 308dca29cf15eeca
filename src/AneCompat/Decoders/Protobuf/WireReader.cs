using AneCompat.Diagnostics;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Forward reader of protobuf wire format over a seekable stream, with its own small buffer and an exact position,
/// so payloads can be skipped by seeking instead of being read.
/// </summary>
internal sealed class WireReader
{
    private readonly Stream _stream;
    private readonly string _path;
    private const int BufferSize = 64 * 1024;

    private readonly byte[] _buffer;
    private int _bufferPos;
    private int _bufferLen;
    private long _bufferStart;

    public WireReader(Stream stream, string path)
    {
        _stream = stream;
        _path = path;
        Length = stream.Length;
        // A small file gets a buffer its size, not 64 KiB of fresh memory (every page touched costs a fault).
        _buffer = new byte[(int)Math.Clamp(Length, 1, BufferSize)];
    }

    public long Length { get; }
    public long Position => _bufferStart + _bufferPos;

    public ModelReadException Corrupt(string problem) => new(_path, problem);

    private bool Fill()
    {
        _bufferStart += _bufferLen;
        _bufferPos = 0;
        _stream.Position = _bufferStart;
        _bufferLen = _stream.Read(_buffer, 0, _buffer.Length);
        return _bufferLen > 0;
    }

    public byte ReadByte(long limit)
    {
        if (Position >= limit) throw Corrupt($"truncated: a field at offset {Position} runs past the end of its message");
        if (_bufferPos >= _bufferLen && !Fill()) throw Corrupt($"truncated at offset {Position}");
        return _buffer[_bufferPos++];
    }

    /// <summary>Reads a varint and returns it with its encoded bytes appended to <paramref name="copy"/> when given.</summary>
    public ulong ReadVarint(long limit, StructureBuffer? copy = null)
    {
        // Almost every varint lies whole in the buffer and inside its message: decoded from the buffer directly.
        // Any other (near a buffer or message end, malformed) takes the byte-wise path, which says what is wrong.
        var available = (int)Math.Min(_bufferLen - _bufferPos, limit - Position);
        if (available > 0)
        {
            ulong value = 0;
            var bytes = _buffer.AsSpan(_bufferPos, Math.Min(available, 10));
            for (var i = 0; i < bytes.Length; i++)
            {
                value |= (ulong)(bytes[i] & 0x7F) << (7 * i);
                if ((bytes[i] & 0x80) != 0) continue;
                copy?.Write(bytes[..(i + 1)]);
                _bufferPos += i + 1;
                return value;
            }
        }
        return ReadVarintBytewise(limit, copy);
    }

    private ulong ReadVarintBytewise(long limit, StructureBuffer? copy)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadByte(limit);
            copy?.WriteByte(b);
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw Corrupt($"malformed varint at offset {Position}");
    }

    /// <summary>Copies <paramref name="count"/> bytes to <paramref name="output"/>.</summary>
    public void CopyTo(StructureBuffer output, long count)
    {
        while (count > 0)
        {
            if (_bufferPos >= _bufferLen && !Fill()) throw Corrupt($"truncated at offset {Position}");
            var n = (int)Math.Min(count, _bufferLen - _bufferPos);
            output.Write(_buffer.AsSpan(_bufferPos, n));
            _bufferPos += n;
            count -= n;
        }
    }

    /// <summary>Moves past <paramref name="count"/> bytes without reading them.</summary>
    public void Skip(long count)
    {
        var target = Position + count;
        if (target > Length) throw Corrupt($"truncated: {count} bytes at offset {Position} run past the end of the file");
        if (target <= _bufferStart + _bufferLen) { _bufferPos = (int)(target - _bufferStart); return; }
        _bufferStart = target;
        _bufferPos = 0;
        _bufferLen = 0;
    }
}
