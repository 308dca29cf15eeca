using System.Buffers.Binary;
using AneCompat.Decoders.Blobs;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema.Mil;
using MilValueType = AneCompat.Schema.Mil.ValueType;
using MilTensorType = AneCompat.Schema.Mil.TensorType;

namespace AneCompat.Evaluation;

/// <summary>
/// Turns ML program values into evaluator values: immediate tensors (every storage form), strings, and
/// <c>BLOBFILE</c> references, whose payload alone is read from the weight file — header checked by
/// <see cref="MilBlobReader"/> first — only when the const is evaluated.
/// </summary>
public sealed class MilConstants : IDisposable
{
    private readonly MilBlobReader? _blobs;

    /// <param name="modelPathRoot">The folder <c>@model_path</c> stands for; null when the program has no weight file.</param>
    public MilConstants(string? modelPathRoot) =>
        _blobs = modelPathRoot is null ? null : new MilBlobReader(modelPathRoot, new List<ReadWarning>());

    public static TensorElement TypeOf(DataType t) => t switch
    {
        DataType.Float16 => TensorElement.Float16,
        DataType.Float32 or DataType.Float64 => TensorElement.Float32,
        DataType.Bool => TensorElement.Bool,
        DataType.Int8 or DataType.Int16 or DataType.Int32 or DataType.Int64 or DataType.Uint8 or DataType.Uint16
            or DataType.Uint32 or DataType.Uint64 => TensorElement.Int32,
        _ => throw new NotCoveredException($"MIL data type {t}"),
    };

    /// <summary>Constant dimensions of a tensor type; null if a dimension is symbolic.</summary>
    public static int[]? Shape(MilTensorType t)
    {
        var dims = new int[t.Dimensions.Count];
        for (var i = 0; i < dims.Length; i++)
        {
            if (t.Dimensions[i].DimensionCase != Dimension.DimensionOneofCase.Constant) return null;
            dims[i] = checked((int)t.Dimensions[i].Constant.Size);
        }
        return dims;
    }

    /// <summary>A <see cref="Tensor"/>, or a <see cref="string"/> for a scalar string value.</summary>
    public object Read(Value value, string what)
    {
        if (value.Type?.TypeCase != MilValueType.TypeOneofCase.TensorType) throw new NotCoveredException($"{what}: non-tensor value");
        var tt = value.Type.TensorType;
        var shape = Shape(tt) ?? throw new NotCoveredException($"{what}: constant of symbolic shape");
        switch (value.ValueCase)
        {
            case Value.ValueOneofCase.ImmediateValue when value.ImmediateValue.ValueCase == Value.Types.ImmediateValue.ValueOneofCase.Tensor:
                return Immediate(value.ImmediateValue.Tensor, tt.DataType, shape, what);
            case Value.ValueOneofCase.BlobFileValue:
                return Blob(value.BlobFileValue, tt.DataType, shape, what);
            default:
                throw new NotCoveredException($"{what}: {value.ValueCase} value");
        }
    }

    private static object Immediate(TensorValue v, DataType dt, int[] shape, string what)
    {
        var count = Tensor.ElementCount(shape);
        float[] data;
        switch (v.ValueCase)
        {
            case TensorValue.ValueOneofCase.Strings:
                if (v.Strings.Values.Count == 1) return v.Strings.Values[0];
                throw new NotCoveredException($"{what}: string tensor");
            case TensorValue.ValueOneofCase.Floats: data = v.Floats.Values.ToArray(); break;
            case TensorValue.ValueOneofCase.Doubles: data = v.Doubles.Values.Select(d => (float)d).ToArray(); break;
            case TensorValue.ValueOneofCase.Ints: data = v.Ints.Values.Select(i => (float)i).ToArray(); break;
            case TensorValue.ValueOneofCase.LongInts: data = v.LongInts.Values.Select(i => (float)i).ToArray(); break;
            case TensorValue.ValueOneofCase.Bools: data = v.Bools.Values.Select(b => b ? 1f : 0f).ToArray(); break;
            case TensorValue.ValueOneofCase.Bytes: data = FromBytes(v.Bytes.Values.Span, dt, count, what); break;
            default: throw new NotCoveredException($"{what}: empty tensor value");
        }
        if (data.Length == 1 && count != 1) data = Enumerable.Repeat(data[0], count).ToArray();
        return new Tensor(shape, data, TypeOf(dt));
    }

    private Tensor Blob(Value.Types.BlobFileValue blob, DataType dt, int[] shape, string what)
    {
        if (_blobs is null) throw new NotCoveredException($"{what}: weight file not available");
        var declared = dt switch { DataType.Float16 => ElementType.Float16, DataType.Float32 => ElementType.Float32, _ => ElementType.Unknown };
        var where = _blobs.Resolve(blob.FileName, blob.Offset, declared);
        if (!where.Resolved) throw new NotCoveredException($"{what}: weight file {blob.FileName} is missing");
        using var file = ModelFiles.OpenRead(where.File, FileOptions.RandomAccess);
        Span<byte> record = stackalloc byte[64];
        file.Position = (long)blob.Offset;
        file.ReadExactly(record);
        var size = BinaryPrimitives.ReadUInt64LittleEndian(record[8..]);
        var dataOffset = BinaryPrimitives.ReadUInt64LittleEndian(record[16..]);
        var count = Tensor.ElementCount(shape);
        var expected = (ulong)count * (ulong)Width(dt);
        if (size < expected) throw new ArgumentException($"{what}: blob holds {size} bytes, {expected} needed");
        var bytes = new byte[expected];
        file.Position = (long)dataOffset;
        file.ReadExactly(bytes);
        return new Tensor(shape, FromBytes(bytes, dt, count, what), TypeOf(dt));
    }

    private static int Width(DataType dt) => dt switch
    {
        DataType.Float16 or DataType.Int16 or DataType.Uint16 => 2,
        DataType.Float32 or DataType.Int32 or DataType.Uint32 => 4,
        DataType.Int8 or DataType.Uint8 or DataType.Bool => 1,
        _ => throw new NotCoveredException($"MIL byte data of type {dt}"),
    };

    private static float[] FromBytes(ReadOnlySpan<byte> b, DataType dt, int count, string what)
    {
        var w = Width(dt);
        if (b.Length < count * w) throw new ArgumentException($"{what}: {b.Length} bytes for {count} values of {dt}");
        var f = new float[count];
        for (var i = 0; i < count; i++)
            f[i] = dt switch
            {
                DataType.Float16 => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(i * 2))),
                DataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(b.Slice(i * 4)),
                DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b.Slice(i * 4)),
                DataType.Uint32 => BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(i * 4)),
                DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b.Slice(i * 2)),
                DataType.Uint16 => BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(i * 2)),
                DataType.Int8 => (sbyte)b[i],
                _ => b[i],
            };
        return f;
    }

    public void Dispose() => _blobs?.Dispose();
}
