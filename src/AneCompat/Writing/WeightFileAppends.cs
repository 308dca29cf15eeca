using System.Buffers.Binary;

namespace AneCompat.Writing;

/// <summary>
/// fp16 blobs a rewrite adds to a package's MIL weight files (surgery.md §3.4): each an fp16 copy of an fp32 blob of
/// the same file (S9), converted while streaming. The new file is the original byte for byte — so every existing
/// <c>BlobFileValue.offset</c> stays valid — with the header's blob count raised and the new blobs appended, each
/// metadata record and payload on a 64-byte boundary. Offsets are fixed when a blob is added, so the program can
/// refer to them before anything is written; payloads are converted while streaming, in bounded memory.
/// </summary>
public sealed class WeightFileAppends
{
    private const int Alignment = 64;
    private const int ChunkElements = 1 << 16;
    private readonly Dictionary<string, FilePlan> _files = new(StringComparer.Ordinal);

    private sealed class FilePlan(long originalLength, uint originalCount)
    {
        public long OriginalLength { get; } = originalLength;
        public uint OriginalCount { get; } = originalCount;
        /// <summary>New blobs: each an fp16 copy of <c>Count</c> fp32 values at <c>SourceData</c>.</summary>
        public List<(ulong Metadata, long SourceData, long Count)> Blobs { get; } = new();
        public ulong End { get; set; } = Align((ulong)originalLength);
    }

    public bool IsEmpty => _files.Count == 0;

    /// <summary>Appends the fp16 version of the <paramref name="count"/> fp32 values at <paramref name="sourceData"/>
    /// of <paramref name="file"/> and returns the new blob's metadata offset (what <c>BlobFileValue.offset</c> holds).</summary>
    public ulong AddFp16Copy(string file, long sourceData, long count)
    {
        var plan = PlanOf(file);
        var metadata = plan.End;
        plan.Blobs.Add((metadata, sourceData, count));
        plan.End = Align(metadata + Alignment + (ulong)count * 2);
        return metadata;
    }

    private FilePlan PlanOf(string file)
    {
        var full = Path.GetFullPath(file);
        if (!_files.TryGetValue(full, out var plan))
        {
            using var stream = Diagnostics.ModelFiles.OpenRead(full, FileOptions.RandomAccess);
            Span<byte> header = stackalloc byte[8];
            stream.ReadExactly(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 2)
                throw new InvalidDataException($"{full}: not a MIL blob storage v2 file");
            _files[full] = plan = new FilePlan(stream.Length, BinaryPrimitives.ReadUInt32LittleEndian(header));
        }
        return plan;
    }

    /// <summary>Writers of the rewritten weight files, by full source path (for <see cref="PackageRewriter"/>).</summary>
    public IReadOnlyDictionary<string, Action<Stream>> Writers() =>
        _files.ToDictionary(kv => kv.Key, kv => (Action<Stream>)(output => Write(kv.Key, kv.Value, output)), StringComparer.Ordinal);

    private static void Write(string path, FilePlan plan, Stream output)
    {
        using var source = Diagnostics.ModelFiles.OpenRead(path, FileOptions.RandomAccess);
        if (source.Length != plan.OriginalLength) throw new IOException($"{path} changed while it was being rewritten");
        var header = new byte[Alignment];
        source.ReadExactly(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header, checked(plan.OriginalCount + (uint)plan.Blobs.Count));
        output.Write(header);
        source.CopyTo(output, 1 << 20);
        var position = (ulong)plan.OriginalLength;
        var record = new byte[Alignment];
        var floats = new byte[ChunkElements * 4];
        var halves = new byte[ChunkElements * 2];
        foreach (var (metadata, sourceData, count) in plan.Blobs)
        {
            WriteZeros(output, metadata - position);
            var size = (ulong)count * 2;
            Array.Clear(record);
            BinaryPrimitives.WriteUInt32LittleEndian(record, 0xDEADBEEF);
            BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), MilBlobStorage.BlobType(Schema.Mil.DataType.Float16));
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), size);
            BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(16), metadata + Alignment);
            output.Write(record);
            position = metadata + Alignment + size;
            source.Position = sourceData;
            for (long done = 0; done < count;)
            {
                var n = (int)Math.Min(ChunkElements, count - done);
                source.ReadExactly(floats, 0, n * 4);
                for (var i = 0; i < n; i++)
                {
                    var h = Fp16Values.ToHalf(BinaryPrimitives.ReadSingleLittleEndian(floats.AsSpan(i * 4)));
                    BinaryPrimitives.WriteUInt16LittleEndian(halves.AsSpan(i * 2), BitConverter.HalfToUInt16Bits(h));
                }
                output.Write(halves, 0, n * 2);
                done += n;
            }
        }
        WriteZeros(output, Align(position) - position);
    }

    private static ulong Align(ulong offset) => (offset + Alignment - 1) / Alignment * Alignment;

    private static void WriteZeros(Stream stream, ulong count)
    {
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        while (count > 0)
        {
            var n = (int)Math.Min(count, Alignment);
            stream.Write(zeros[..n]);
            count -= (ulong)n;
        }
    }
}

/// <summary>
/// fp32 → fp16 as S9 converts constants: round to nearest; a non-zero value that would flush to zero becomes the
/// smallest fp16 subnormal of its sign, as coremltools' fp16 pass does (<c>_check_underflow_to_zero</c>, surgery.md §1
/// S9 pitfalls — e.g. a layer-norm epsilon of 1e-12 must not become 0).
/// </summary>
public static class Fp16Values
{
    public static Half ToHalf(float v)
    {
        var h = (Half)v;
        if (h == Half.Zero && v != 0 && float.IsFinite(v)) return v > 0 ? Half.Epsilon : -Half.Epsilon;
        return h;
    }
}
