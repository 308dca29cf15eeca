using AneCompat.Graph;
using AneCompat.Schema;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// Weight sizes of a layer, counted from payload lengths (or from the byte count the reader recorded when it
/// elided a payload); weight values are never read or copied.
/// </summary>
internal static class NeuralNetworkWeights
{
    /// <summary>Payload bytes of one weight: 4 per float, the byte length of fp16/quantized/int8 payloads, or the elided count.</summary>
    public static long Bytes(WeightParams w) =>
        (long)w.FloatValue.Count * sizeof(float) + w.Float16Value.Length + w.RawValue.Length + w.Int8RawValue.Length
        + (w.AnecompatElidedBytes > long.MaxValue / 2 ? long.MaxValue / 2 : (long)w.AnecompatElidedBytes);

    /// <summary>
    /// Sums the layer's weight bytes and records quantization in <paramref name="attributes"/> (the first quantized
    /// weight decides). The weights are every <see cref="WeightParams"/> the layer holds, in field order, depth first
    /// (code generated from the schema in SchemaTables.g.cs), so the list in formats.md §a.9 (conv weights/bias, LSTM
    /// gate matrices, custom weights, …) is covered without a hand-kept copy; nested networks (branch/loop bodies) are
    /// separate ops and are not entered. <paramref name="scratch"/> is a list the caller reuses from layer to layer.
    /// </summary>
    /// <returns>The layer's weight bytes.</returns>
    public static long Apply(NeuralNetworkLayer layer, Dictionary<string, object> attributes, List<WeightParams> scratch)
    {
        scratch.Clear();
        Protobuf.SchemaTables.CollectWeights(layer, scratch);
        long total = 0;
        foreach (var w in scratch)
        {
            total = Math.Min(long.MaxValue / 2, total + Bytes(w));
            if (attributes.ContainsKey(Attr.Quantization)) continue;
            if (w.Quantization is { } q)
            {
                var scheme = q.QuantizationTypeCase switch
                {
                    QuantizationParams.QuantizationTypeOneofCase.LinearQuantization => "linear",
                    QuantizationParams.QuantizationTypeOneofCase.LookupTableQuantization => "lut",
                    _ => null,
                };
                if (scheme is not null) attributes[Attr.Quantization] = scheme;
                if (q.NumberOfBits > 0) attributes[Attr.QuantizationBits] = (long)Math.Min(q.NumberOfBits, 64UL);
            }
        }
        scratch.Clear();

        // int8DynamicQuantize: weights are int8 and activations are quantized at run time.
        if (layer.InnerProduct?.Int8DynamicQuantize == true || layer.BatchedMatmul?.Int8DynamicQuantize == true)
        {
            attributes[Attr.Quantization] = "int8_dynamic";
            attributes[Attr.QuantizationBits] = 8L;
        }
        return total;
    }
}
