using AneCompat.Graph;
using AneCompat.Schema;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// Weight sizes of a layer, counted from payload lengths (or from the byte count the reader recorded when it
/// elided a payload); weight values are never read or copied.
/// </summary>
internal static class NeuralNetworkWeights
{
    /// <summary>The parameter message of the layer (the set member of the <c>layer</c> oneof), or null.</summary>
    public static IMessage? Params(NeuralNetworkLayer layer) =>
        layer.LayerCase == NeuralNetworkLayer.LayerOneofCase.None ? null
            : NeuralNetworkLayer.Descriptor.FindFieldByNumber((int)layer.LayerCase)?.Accessor.GetValue(layer) as IMessage;

    /// <summary>
    /// Every <see cref="WeightParams"/> a layer holds, found by walking its parameter message with the descriptors,
    /// so the list in formats.md §a.9 (conv weights/bias, LSTM gate matrices, custom weights, …) is covered without
    /// a hand-kept copy. Nested networks (branch/loop bodies) are separate ops and are not entered.
    /// </summary>
    public static List<WeightParams> All(NeuralNetworkLayer layer)
    {
        var found = new List<WeightParams>();
        if (Params(layer) is { } message) Collect(message, found, depth: 0);
        return found;
    }

    // Parameter messages are at most a few levels deep (LSTM weights, activations inside recurrent layers); the bound
    // only guards against a schema change introducing a cycle.
    private const int MaxParamDepth = 8;

    private static void Collect(IMessage message, List<WeightParams> found, int depth)
    {
        if (message is WeightParams w) { found.Add(w); return; }
        if (message is Schema.NeuralNetwork || depth >= MaxParamDepth) return;
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || field.IsMap) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IEnumerable)value)
                    if (item is IMessage m) Collect(m, found, depth + 1);
            }
            else if (value is IMessage m && (!field.HasPresence || field.Accessor.HasValue(message)))
                Collect(m, found, depth + 1);
        }
    }

    /// <summary>Payload bytes of one weight: 4 per float, the byte length of fp16/quantized/int8 payloads, or the elided count.</summary>
    public static long Bytes(WeightParams w) =>
        (long)w.FloatValue.Count * sizeof(float) + w.Float16Value.Length + w.RawValue.Length + w.Int8RawValue.Length
        + (w.AnecompatElidedBytes > long.MaxValue / 2 ? long.MaxValue / 2 : (long)w.AnecompatElidedBytes);

    /// <summary>Sums the layer's weight bytes and records quantization (the first quantized weight decides).</summary>
    public static void Apply(NeuralNetworkLayer layer, Op op)
    {
        long total = 0;
        foreach (var w in All(layer))
        {
            total = Math.Min(long.MaxValue / 2, total + Bytes(w));
            if (op.Attributes.ContainsKey(Attr.Quantization)) continue;
            if (w.Quantization is { } q)
            {
                var scheme = q.QuantizationTypeCase switch
                {
                    QuantizationParams.QuantizationTypeOneofCase.LinearQuantization => "linear",
                    QuantizationParams.QuantizationTypeOneofCase.LookupTableQuantization => "lut",
                    _ => null,
                };
                if (scheme is not null) op.Attributes[Attr.Quantization] = scheme;
                if (q.NumberOfBits > 0) op.Attributes[Attr.QuantizationBits] = (long)Math.Min(q.NumberOfBits, 64UL);
            }
        }
        op.WeightBytes = total;

        // int8DynamicQuantize: weights are int8 and activations are quantized at run time.
        if (layer.InnerProduct?.Int8DynamicQuantize == true || layer.BatchedMatmul?.Int8DynamicQuantize == true)
        {
            op.Attributes[Attr.Quantization] = "int8_dynamic";
            op.Attributes[Attr.QuantizationBits] = 8L;
        }
    }
}
