using AneCompat.Schema.Mil;
using ValueType = AneCompat.Schema.Mil.ValueType;
using Google.Protobuf;

namespace AneCompat.Building;

/// <summary>Inline (immediate) MIL values, each carrying its type, for op inputs, attributes and small consts.</summary>
public static class MilValues
{
    public static Value Tensor(ValueType type, TensorValue tensor) =>
        new() { Type = type, ImmediateValue = new Value.Types.ImmediateValue { Tensor = tensor } };

    public static Value Float32(float v) => Float32s([v], []);
    public static Value Int32(int v) => Int32s([v], []);
    public static Value Bool(bool v) => Bools([v], []);
    public static Value String(string v) => Strings([v], []);

    /// <summary>A rank-1 int32 tensor (the usual form of strides, pads, axes).</summary>
    public static Value Int32s(params int[] values) => Int32s(values, [values.Length]);

    public static Value Float32s(IReadOnlyList<float> values, long[] shape)
    {
        var t = new TensorValue.Types.RepeatedFloats();
        t.Values.AddRange(values);
        return Tensor(MilTypes.Tensor(DataType.Float32, shape), new TensorValue { Floats = t });
    }

    public static Value Int32s(IReadOnlyList<int> values, long[] shape)
    {
        var t = new TensorValue.Types.RepeatedInts();
        t.Values.AddRange(values);
        return Tensor(MilTypes.Tensor(DataType.Int32, shape), new TensorValue { Ints = t });
    }

    public static Value Int64s(IReadOnlyList<long> values, long[] shape)
    {
        var t = new TensorValue.Types.RepeatedLongInts();
        t.Values.AddRange(values);
        return Tensor(MilTypes.Tensor(DataType.Int64, shape), new TensorValue { LongInts = t });
    }

    public static Value Bools(IReadOnlyList<bool> values, long[] shape)
    {
        var t = new TensorValue.Types.RepeatedBools();
        t.Values.AddRange(values);
        return Tensor(MilTypes.Tensor(DataType.Bool, shape), new TensorValue { Bools = t });
    }

    public static Value Strings(IReadOnlyList<string> values, long[] shape)
    {
        var t = new TensorValue.Types.RepeatedStrings();
        t.Values.AddRange(values);
        return Tensor(MilTypes.Tensor(DataType.String, shape), new TensorValue { Strings = t });
    }

    /// <summary>Packed bytes of a narrow type (fp16, int8, sub-byte) as an inline tensor.</summary>
    public static Value Bytes(DataType dataType, ReadOnlySpan<byte> bytes, long[] shape) =>
        Tensor(MilTypes.Tensor(dataType, shape),
            new TensorValue { Bytes = new TensorValue.Types.RepeatedBytes { Values = ByteString.CopyFrom(bytes) } });

    /// <summary>A value whose payload lives in a weight file: <paramref name="offset"/> is that of its metadata record.</summary>
    public static Value Blob(ValueType type, string fileName, ulong offset) =>
        new() { Type = type, BlobFileValue = new Value.Types.BlobFileValue { FileName = fileName, Offset = offset } };
}
