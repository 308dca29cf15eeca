using System.Buffers.Binary;
using AneCompat.Evaluation;
using AneCompat.Schema.Mil;
using AneCompat.Writing;

namespace AneCompat.Surgery.Fixes;

/// <summary>fp32 ML-program constant values turned into fp16 ones (S9), and the fp32 blobs they may live in.</summary>
public static class Fp16Constants
{
    public static Tensor Read(MilConstants constants, Value value) =>
        constants.Read(value, "constant") as Tensor ?? throw new NotCoveredException("non-tensor constant");

    /// <summary>An immediate fp16 value (little-endian halves in <c>bytes</c>, as coremltools stores fp16) of the
    /// tensor's values, typed like <paramref name="type"/> with fp16 elements.</summary>
    public static Value Immediate(Tensor t, TensorType type)
    {
        var bytes = new byte[t.Count * 2];
        for (var i = 0; i < t.Count; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), BitConverter.HalfToUInt16Bits(Fp16Values.ToHalf(t.Data[i])));
        var tt = type.Clone();
        tt.DataType = DataType.Float16;
        return new Value
        {
            Type = new Schema.Mil.ValueType { TensorType = tt },
            ImmediateValue = new Value.Types.ImmediateValue { Tensor = new TensorValue { Bytes = new TensorValue.Types.RepeatedBytes { Values = Google.Protobuf.ByteString.CopyFrom(bytes) } } },
        };
    }

    /// <summary>The file an <c>@model_path/…</c> weight reference names, which must lie inside the model folder.</summary>
    public static string ResolveWeightFile(string modelPathRoot, string fileName)
    {
        const string prefix = "@model_path/";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal)) throw new InvalidDataException($"weight reference '{fileName}' does not start with {prefix}");
        var root = Path.GetFullPath(modelPathRoot);
        var full = Path.GetFullPath(Path.Combine(root, fileName[prefix.Length..]));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)) throw new InvalidDataException($"weight reference '{fileName}' leaves the model folder");
        return full;
    }

    /// <summary>Where the fp32 data of the blob whose metadata is at <paramref name="metadataOffset"/> starts, and its
    /// element count — checked against the metadata record (sentinel, dtype fp32, size).</summary>
    public static (long DataOffset, long Count) Fp32Blob(string file, ulong metadataOffset, TensorType type)
    {
        using var stream = Diagnostics.ModelFiles.OpenRead(file, FileOptions.RandomAccess);
        Span<byte> record = stackalloc byte[64];
        stream.Position = checked((long)metadataOffset);
        stream.ReadExactly(record);
        var count = type.Dimensions.Aggregate(1L, (n, d) => n * (long)d.Constant.Size);
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != 0xDEADBEEF || BinaryPrimitives.ReadUInt32LittleEndian(record[4..]) != MilBlobStorage.BlobType(DataType.Float32)
            || BinaryPrimitives.ReadUInt64LittleEndian(record[8..]) < (ulong)count * 4)
            throw new InvalidDataException($"{file}: no fp32 blob of {count} values at offset {metadataOffset}");
        var data = BinaryPrimitives.ReadUInt64LittleEndian(record[16..]);
        if (data + (ulong)count * 4 > (ulong)stream.Length) throw new InvalidDataException($"{file}: blob at offset {metadataOffset} runs past the end of the file");
        return ((long)data, count);
    }
}
