using System.Buffers.Binary;
using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>
/// Decodes NeuralNetwork <c>WeightParams</c> into floats: <c>floatValue</c>, little-endian <c>float16Value</c>, and
/// <c>rawValue</c> (fp32 bytes, or n-bit indices with linear or look-up-table quantization). Only the weights of
/// the layers actually evaluated are ever decoded.
/// </summary>
public static class WeightValues
{
    public static bool IsPresent(WeightParams? w) =>
        w is not null && (w.FloatValue.Count > 0 || !w.Float16Value.IsEmpty || !w.RawValue.IsEmpty || !w.Int8RawValue.IsEmpty);

    /// <summary>The weights as floats; <paramref name="expected"/> (when ≥ 0) is checked against the element count.</summary>
    public static float[] Read(WeightParams? w, long expected, string what)
    {
        if (w is null) throw new ArgumentException($"{what}: weights missing");
        if (w.AnecompatElidedBytes > 0)
            throw new NotCoveredException($"{what}: weights were not loaded (model read without weights)");
        float[] values;
        if (w.FloatValue.Count > 0) values = w.FloatValue.ToArray();
        else if (!w.Float16Value.IsEmpty)
        {
            var bytes = w.Float16Value.Span;
            if (bytes.Length % 2 != 0) throw new ArgumentException($"{what}: float16Value has an odd byte count");
            values = new float[bytes.Length / 2];
            for (var i = 0; i < values.Length; i++)
                values[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(i * 2, 2)));
        }
        else if (!w.RawValue.IsEmpty) values = Raw(w, expected, what);
        else if (!w.Int8RawValue.IsEmpty) throw new NotCoveredException($"{what}: int8RawValue weights");
        else values = Array.Empty<float>();
        if (expected >= 0 && values.Length != expected)
            throw new ArgumentException($"{what}: {values.Length} weight values, expected {expected}");
        return values;
    }

    private static float[] Raw(WeightParams w, long expected, string what)
    {
        var bytes = w.RawValue.Span;
        var q = w.Quantization;
        if (q is null || q.QuantizationTypeCase == QuantizationParams.QuantizationTypeOneofCase.None)
        {
            if (bytes.Length % 4 != 0) throw new ArgumentException($"{what}: rawValue is not a whole number of fp32 values");
            var f = new float[bytes.Length / 4];
            for (var i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            return f;
        }
        var bits = (int)q.NumberOfBits;
        if (bits is < 1 or > 8) throw new NotCoveredException($"{what}: {bits}-bit quantized weights");
        if (expected < 0) throw new NotCoveredException($"{what}: quantized weights of unknown count");
        if ((long)bytes.Length * 8 < expected * bits) throw new ArgumentException($"{what}: rawValue too short for {expected} {bits}-bit values");
        var indices = new int[expected];
        for (long i = 0; i < expected; i++)
        {
            // Bits are packed from the most significant bit of each byte (coremltools' _get_linear... packing).
            var v = 0;
            for (var b = 0; b < bits; b++)
            {
                var bit = i * bits + b;
                v = (v << 1) | ((bytes[(int)(bit / 8)] >> (7 - (int)(bit % 8))) & 1);
            }
            indices[i] = v;
        }
        var result = new float[expected];
        if (q.LookupTableQuantization is { } lut)
        {
            for (var i = 0; i < result.Length; i++) result[i] = lut.FloatValue[indices[i]];
            return result;
        }
        var lin = q.LinearQuantization;
        if (lin.Scale.Count == 1 && lin.Bias.Count <= 1)
        {
            for (var i = 0; i < result.Length; i++) result[i] = indices[i] * lin.Scale[0] + (lin.Bias.Count == 1 ? lin.Bias[0] : 0);
            return result;
        }
        // Per-channel: one scale/bias per output channel (the outermost axis).
        var channels = lin.Scale.Count;
        if (expected % channels != 0) throw new ArgumentException($"{what}: {channels} scales do not divide {expected} weights");
        var per = expected / channels;
        for (var i = 0; i < result.Length; i++)
        {
            var c = (int)(i / per);
            result[i] = indices[i] * lin.Scale[c] + (lin.Bias.Count == channels ? lin.Bias[c] : lin.Bias.Count == 1 ? lin.Bias[0] : 0);
        }
        return result;
    }
}
