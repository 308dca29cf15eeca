using System.Buffers.Binary;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Building;

/// <summary>How a layer's weights are stored: fp32 <c>floatValue</c> or IEEE half <c>float16Value</c> (formats.md §a.9).</summary>
public enum WeightPrecision { Float32, Float16 }

/// <summary>
/// Deterministic, small weight values: the same seed and count always give the same numbers, so a built model is
/// byte-for-byte reproducible. Values lie in [-0.1, 0.1] so that the models also behave sensibly if ever run.
/// </summary>
public static class WeightFill
{
    /// <summary>A seed derived from a text (layer name + field) with FNV-1a, stable across runs and platforms.</summary>
    public static ulong Seed(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return hash == 0 ? 1 : hash;
    }

    /// <summary>Fills <paramref name="values"/> from an xorshift sequence seeded with <paramref name="seed"/>.</summary>
    public static void Fill(Span<float> values, ulong seed)
    {
        var state = seed == 0 ? 1 : seed;
        for (var i = 0; i < values.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values[i] = ((int)(state % 2001) - 1000) / 10000f;
        }
    }

    public static float[] Values(long count, ulong seed)
    {
        var values = new float[checked((int)count)];
        Fill(values, seed);
        return values;
    }

    /// <summary>A <see cref="WeightParams"/> holding <paramref name="count"/> deterministic values.</summary>
    public static WeightParams Weights(long count, string seedText, WeightPrecision precision = WeightPrecision.Float32)
    {
        var values = Values(count, Seed(seedText));
        var weights = new WeightParams();
        if (precision == WeightPrecision.Float32)
            weights.FloatValue.AddRange(values);
        else
            weights.Float16Value = ByteString.CopyFrom(ToFloat16Bytes(values));
        return weights;
    }

    /// <summary>IEEE half-precision, little-endian, as stored in <c>float16Value</c> and in fp16 blobs.</summary>
    public static byte[] ToFloat16Bytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)values[i]));
        return bytes;
    }

    public static byte[] ToFloat32Bytes(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    /// <summary>The product of a shape's dimensions (element count), checked for overflow.</summary>
    public static long Count(IEnumerable<long> shape) => shape.Aggregate(1L, (a, d) => checked(a * d));
}
