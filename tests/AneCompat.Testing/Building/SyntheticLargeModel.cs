using AneCompat.Output;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Building;

/// <summary>
/// Writes a NeuralNetwork <c>.mlmodel</c> of an exact size, mostly inline fp16 weights, while holding only one small
/// chunk of payload in memory: the protobuf framing is written by hand with lengths computed in advance, and the
/// weight bytes are streamed. The network is a chain of square innerProduct layers x → h_0 → … plus one
/// loadConstantND layer ("tail") whose length, together with a padding string in the metadata, makes the file
/// exactly the requested size. Used to measure readers on huge models without needing one on disk.
/// </summary>
public static class SyntheticLargeModel
{
    public const long MinimumBytes = 64 * 1024;
    private const long MaxLayerPayload = 8L * 1024 * 1024;
    private const int ChunkBytes = 64 * 1024;
    private const string InputName = "x";
    private const string TailName = "tail";

    /// <summary>The shape of a generated model: <see cref="Layers"/> innerProduct layers of width <see cref="Width"/>,
    /// a tail constant of <see cref="TailElements"/> fp16 values, and <see cref="PaddingChars"/> metadata padding.</summary>
    public sealed record Plan(long TargetBytes, int Width, int Layers, long TailElements, int PaddingChars)
    {
        /// <summary>Layers in the file: the innerProducts and the tail constant.</summary>
        public int TotalLayers => Layers + 1;
        public long InnerProductPayloadBytes => 2L * Width * Width;
        public long WeightBytes => Layers * InnerProductPayloadBytes + 2 * TailElements;
    }

    public static Plan MakePlan(long targetBytes)
    {
        if (targetBytes < MinimumBytes)
            throw new ArgumentOutOfRangeException(nameof(targetBytes), targetBytes, $"a synthetic model needs at least {MinimumBytes} bytes");
        if (targetBytes > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(targetBytes), targetBytes, "protobuf messages are limited to 2 GiB");
        var perLayer = Math.Min(MaxLayerPayload, targetBytes / 8);
        var width = (int)Math.Max(8, Math.Sqrt(perLayer / 2.0));
        var layerBytes = InnerProductFieldSize(0, width);
        // Leave room for the description and a tail of a few KiB; the tail absorbs the rest.
        var layers = (int)Math.Max(1, (targetBytes - 8 * 1024) / layerBytes);
        while (layers > 1 && layers * layerBytes > targetBytes - 4 * 1024) layers--;
        for (var pad = 0; pad < 16; pad++)
        {
            var withoutTail = TotalSize(width, layers, 0, pad);
            var estimate = Math.Max(1, (targetBytes - withoutTail) / 2);
            for (var k = Math.Max(1, estimate - 16); k <= estimate + 16; k++)
                if (TotalSize(width, layers, k, pad) == targetBytes)
                    return new Plan(targetBytes, width, layers, k, pad);
        }
        throw new InvalidOperationException($"no layout gives exactly {targetBytes} bytes");
    }

    /// <summary>Writes the model for <paramref name="plan"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(string path, Plan plan)
    {
        AtomicFile.Write(path, stream => WriteTo(stream, plan));
    }

    public static void WriteTo(Stream stream, Plan plan)
    {
        var chunk = PayloadChunk();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteInt32(NeuralNetworkModelBuilder.DefaultSpecificationVersion);
        var description = Description(plan.Width, plan.Layers, plan.TailElements, plan.PaddingChars);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(description);

        output.WriteTag(500, WireFormat.WireType.LengthDelimited);
        output.WriteUInt64((ulong)NetworkContentSize(plan.Width, plan.Layers, plan.TailElements));
        for (var i = 0; i < plan.Layers; i++)
        {
            var header = LayerHeader(i);
            var ip = new InnerProductLayerParams { InputChannels = (ulong)plan.Width, OutputChannels = (ulong)plan.Width };
            WriteLayer(output, stream, chunk, header, 140, ip, 20, 2L * plan.Width * plan.Width);
        }
        var tail = new NeuralNetworkLayer { Name = TailName };
        tail.Output.Add(TailName);
        var constant = new LoadConstantNDLayerParams();
        constant.Shape.Add((ulong)plan.TailElements);
        WriteLayer(output, stream, chunk, tail, 1070, constant, 2, 2 * plan.TailElements);
        output.Flush();
    }

    /// <summary>
    /// One layer: its header fields (name, input, output), then the params field whose message ends with a
    /// WeightParams holding <paramref name="payloadBytes"/> of float16Value, streamed from <paramref name="chunk"/>.
    /// </summary>
    private static void WriteLayer(CodedOutputStream output, Stream stream, byte[] chunk, NeuralNetworkLayer header,
        int paramsField, IMessage paramsHeader, int weightsField, long payloadBytes)
    {
        var weights = WeightsContentSize(payloadBytes);
        var parameters = paramsHeader.CalculateSize() + FieldSize(weightsField, weights);
        var layer = header.CalculateSize() + FieldSize(paramsField, parameters);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteUInt64((ulong)layer);
        header.WriteTo(output);
        output.WriteTag(paramsField, WireFormat.WireType.LengthDelimited);
        output.WriteUInt64((ulong)parameters);
        paramsHeader.WriteTo(output);
        output.WriteTag(weightsField, WireFormat.WireType.LengthDelimited);
        output.WriteUInt64((ulong)weights);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteUInt64((ulong)payloadBytes);
        output.Flush();
        for (var left = payloadBytes; left > 0; left -= chunk.Length)
            stream.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
    }

    private static long TotalSize(int width, int layers, long tail, int pad) =>
        CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeInt32Size(NeuralNetworkModelBuilder.DefaultSpecificationVersion)
        + FieldSize(2, Description(width, layers, tail, pad).CalculateSize())
        + FieldSize(500, NetworkContentSize(width, layers, tail));

    private static long NetworkContentSize(int width, int layers, long tail)
    {
        long size = 0;
        for (var i = 0; i < layers; i++) size += InnerProductFieldSize(i, width);
        var header = new NeuralNetworkLayer { Name = TailName };
        header.Output.Add(TailName);
        var constant = new LoadConstantNDLayerParams();
        constant.Shape.Add((ulong)tail);
        return size + LayerFieldSize(header, 1070, constant, 2, 2 * tail);
    }

    private static long InnerProductFieldSize(int index, int width) =>
        LayerFieldSize(LayerHeader(index), 140,
            new InnerProductLayerParams { InputChannels = (ulong)width, OutputChannels = (ulong)width }, 20, 2L * width * width);

    private static long LayerFieldSize(NeuralNetworkLayer header, int paramsField, IMessage paramsHeader, int weightsField, long payload)
    {
        var parameters = paramsHeader.CalculateSize() + FieldSize(weightsField, WeightsContentSize(payload));
        return FieldSize(1, header.CalculateSize() + FieldSize(paramsField, parameters));
    }

    /// <summary>WeightParams { float16Value = payload }.</summary>
    private static long WeightsContentSize(long payload) => FieldSize(2, payload);

    /// <summary>Size of a length-delimited field: tag, length varint, content.</summary>
    private static long FieldSize(int field, long content) =>
        CodedOutputStream.ComputeTagSize(field) + CodedOutputStream.ComputeRawVarint64Size((ulong)content) + content;

    private static NeuralNetworkLayer LayerHeader(int index)
    {
        var layer = new NeuralNetworkLayer { Name = $"ip_{index}" };
        layer.Input.Add(index == 0 ? InputName : $"h_{index - 1}");
        layer.Output.Add($"h_{index}");
        return layer;
    }

    private static ModelDescription Description(int width, int layers, long tail, int pad)
    {
        var description = new ModelDescription
        {
            Metadata = new Schema.Metadata
            {
                ShortDescription = "Synthetic model for reader benchmarks (ANECompat make-large)" + new string('.', pad),
            },
        };
        description.Input.Add(new FeatureDescription { Name = InputName, Type = FeatureTypes.MultiArray([width]) });
        description.Output.Add(new FeatureDescription { Name = $"h_{layers - 1}", Type = FeatureTypes.MultiArray([width]) });
        description.Output.Add(new FeatureDescription { Name = TailName, Type = FeatureTypes.MultiArray([tail]) });
        return description;
    }

    /// <summary>A chunk of small fp16 values, repeated to fill every payload.</summary>
    private static byte[] PayloadChunk() =>
        WeightFill.ToFloat16Bytes(WeightFill.Values(ChunkBytes / 2, WeightFill.Seed("make-large")));
}
