using System.Buffers.Binary;
using AneCompat.Schema.Mil;

namespace AneCompat.Writing;

/// <summary>
/// Lays out a MIL blob storage v2 file (formats.md §c): a 64-byte header (count, version 2), then per blob a 64-byte
/// metadata record (0xDEADBEEF, dtype, size, absolute data offset, padding bits) followed by the data, every record
/// and every payload on a 64-byte boundary. Offsets are fixed when a blob is added, so the program can refer to them
/// before the file is written.
/// </summary>
public sealed class MilBlobStorage
{
    private const int Alignment = 64;
    private const uint Sentinel = 0xDEADBEEF;
    private readonly List<(ulong MetadataOffset, uint BlobType, byte[] Data, ulong PaddingBits)> _blobs = new();
    private ulong _end = Alignment;

    public int Count => _blobs.Count;

    /// <summary>Adds a blob and returns the offset of its metadata record (what <c>BlobFileValue.offset</c> holds).</summary>
    /// <param name="elementCount">Elements in <paramref name="data"/>; sets the unused trailing bits of sub-byte types.</param>
    public ulong Add(DataType dataType, byte[] data, long elementCount)
    {
        var bits = BitWidth(dataType);
        var needed = (ulong)elementCount * (ulong)bits;
        if ((ulong)data.Length * 8 < needed || (ulong)data.Length * 8 - needed >= 8)
            throw new ArgumentException($"{elementCount} elements of {dataType} take {(needed + 7) / 8} bytes, not {data.Length}");
        var metadata = Align(_end);
        _blobs.Add((metadata, BlobType(dataType), data, (ulong)data.Length * 8 - needed));
        _end = metadata + Alignment + (ulong)data.Length;
        return metadata;
    }

    public void WriteTo(Stream stream)
    {
        Span<byte> record = stackalloc byte[Alignment];
        record.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)_blobs.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], 2);
        stream.Write(record);
        var position = (ulong)Alignment;
        foreach (var (offset, blobType, data, paddingBits) in _blobs)
        {
            WriteZeros(stream, offset - position);
            record.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(record, Sentinel);
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], blobType);
            BinaryPrimitives.WriteUInt64LittleEndian(record[8..], (ulong)data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(record[16..], offset + Alignment);
            BinaryPrimitives.WriteUInt64LittleEndian(record[24..], paddingBits);
            stream.Write(record);
            stream.Write(data);
            position = offset + Alignment + (ulong)data.Length;
        }
    }

    /// <summary>The storage's own dtype numbering, which differs from MIL's DataType.</summary>
    public static uint BlobType(DataType dataType) => dataType switch
    {
        DataType.Float16 => 1, DataType.Float32 => 2, DataType.Uint8 => 3, DataType.Int8 => 4, DataType.Bfloat16 => 5,
        DataType.Int16 => 6, DataType.Uint16 => 7, DataType.Int4 => 8, DataType.Uint1 => 9, DataType.Uint2 => 10,
        DataType.Uint4 => 11, DataType.Uint3 => 12, DataType.Uint6 => 13, DataType.Int32 => 14, DataType.Uint32 => 15,
        DataType.Float8E4M3Fn => 16, DataType.Float8E5M2 => 17,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "cannot be stored in a weight file"),
    };

    private static ulong Align(ulong offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void WriteZeros(Stream stream, ulong count)
    {
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        stream.Write(zeros[..(int)count]);
    }

    /// <summary>Bits one element of <paramref name="dataType"/> occupies in a blob.</summary>
    public static int BitWidth(DataType dataType) => dataType switch
    {
        DataType.Bool or DataType.Int8 or DataType.Uint8 or DataType.Float8E4M3Fn or DataType.Float8E5M2 => 8,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 16,
        DataType.Float32 or DataType.Int32 or DataType.Uint32 => 32,
        DataType.Float64 or DataType.Int64 or DataType.Uint64 => 64,
        DataType.Int4 or DataType.Uint4 => 4,
        DataType.Uint1 => 1, DataType.Uint2 => 2, DataType.Uint3 => 3, DataType.Uint6 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "has no fixed element width"),
    };
}
