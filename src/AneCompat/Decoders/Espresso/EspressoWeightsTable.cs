using System.Buffers.Binary;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders.Espresso;

/// <summary>
/// The table at the start of <c>model.espresso.weights</c> (formats.md d.8): u64 count, then count × (u64 blob id,
/// u64 size in bytes); the payloads follow in table order and are never read.
/// </summary>
internal static class EspressoWeightsTable
{
    /// <summary>Blob id → payload size in bytes.</summary>
    public static Dictionary<ulong, long> Read(string path, List<ReadWarning> warnings)
    {
        using var stream = ModelFiles.OpenRead(path);
        var length = stream.Length;
        Span<byte> header = stackalloc byte[8];
        if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            throw new ModelReadException(path, $"model.espresso.weights is truncated: {length} bytes, too short for the blob count");
        var count = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (count > (ulong)Limits.MaxEspressoWeightBlobs)
            throw new ModelReadException(path, $"model.espresso.weights declares {count} blobs, over the limit of {Limits.MaxEspressoWeightBlobs}");
        var tableBytes = (long)count * 16;
        if (tableBytes > length - 8)
            throw new ModelReadException(path, $"model.espresso.weights declares {count} blobs, but its table would run past the end of the file ({length} bytes)");

        var table = new byte[tableBytes];
        stream.ReadExactly(table);
        var sizes = new Dictionary<ulong, long>();
        long total = 0;
        for (var i = 0; i < (int)count; i++)
        {
            var id = BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(i * 16));
            var size = BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(i * 16 + 8));
            if (size > (ulong)length)
                throw new ModelReadException(path, $"model.espresso.weights: blob {id} claims {size} bytes, more than the whole file ({length} bytes)");
            sizes[id] = (long)size;
            total += (long)size;
        }
        var available = length - 8 - tableBytes;
        if (total > available)
            warnings.Add(new ReadWarning("espresso-weights-truncated",
                $"{path}: the table lists {total} bytes of weights but only {available} follow it; the file is truncated, sizes are taken from the table"));
        return sizes;
    }
}
