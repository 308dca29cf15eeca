using System.Text.Json;
using AneCompat.Decoders.Json;
using AneCompat.Graph;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Decoders.Espresso;

/// <summary>One espresso layer object → one <see cref="Op"/>: kind, blobs, common attributes, hints and weight bytes.</summary>
internal static class EspressoLayerDecoder
{
    /// <summary>The three scheduling hints (formats.md d.6) and where they land.</summary>
    private static readonly (string Key, string Attribute)[] Hints =
    {
        ("hint_fallback_from_ane", Attr.HintFallbackFromAne),
        ("hint_fallback_from_metal", Attr.HintFallbackFromMetal),
        ("hint_fallback_from_cpu", Attr.HintFallbackFromCpu),
    };

    /// <summary>Flags that fuse an activation into a convolution or inner product, and the activation they name.</summary>
    private static readonly (string Key, string Activation)[] FusedActivations =
    {
        ("fused_relu", "relu"), ("fused_tanh", "tanh"), ("has_relu", "relu"), ("has_tanh", "tanh"), ("has_prelu", "prelu"),
    };

    /// <summary>Keys of the <c>weights</c> object that hold 8-bit quantized weights (formats.md d.8).</summary>
    private static readonly string[] Int8WeightKeys = { "W_U8", "W_S8", "W_int8", "W_t_int8" };

    /// <summary>
    /// Espresso files do not state element types. The ANE computes in Float16 whatever the file holds, but the blobs'
    /// declared type is not recorded, so shapes are typed Float32 — the type NeuralNetwork models (the source of these
    /// nets) declare for their tensors — and rules must not read precision from it.
    /// </summary>
    private const ElementType BlobElement = ElementType.Float32;

    public static ValueType BlobType(string name, IReadOnlyDictionary<string, TensorShape> shapes) =>
        ValueType.Tensor(BlobElement, shapes.TryGetValue(name, out var s) ? s : TensorShape.Unknown);

    public static IEnumerable<string> Blobs(JsonElement layer, string key) =>
        (BoundedJson.String(layer, key) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    public static bool IsMarkedOutput(JsonElement layer) =>
        layer.TryGetProperty("attributes", out var a) && BoundedJson.Long(a, "is_output") is { } v && v != 0;

    public static Op ToOp(JsonElement layer, string type, IReadOnlyDictionary<string, TensorShape> shapes,
        IReadOnlyDictionary<ulong, long>? blobSizes, string function)
    {
        long? L(string key) => BoundedJson.Long(layer, key);
        var op = new Op
        {
            Kind = Registry.EspressoKindHooks.KindOf(type, L).Name,
            Source = type,
            Name = BoundedJson.String(layer, "name"),
            Function = function,
        };
        var inputs = Blobs(layer, "bottom").Select(b => new Argument { Name = b, Type = BlobType(b, shapes) }).ToArray();
        if (inputs.Length > 0) op.Inputs.Add(new OpInput("x", inputs));
        foreach (var top in Blobs(layer, "top")) op.Outputs.Add(new GraphValue(top, BlobType(top, shapes)));

        switch (type)
        {
            case "convolution" or "deconvolution":
                PutPair(op, Attr.Kernel, L("Ny"), L("Nx"));
                PutPair(op, Attr.Strides, L("stride_y") ?? 1, L("stride_x") ?? 1);
                Put(op, Attr.Groups, L("n_groups"));
                Put(op, Attr.OutChannels, L("C"));
                Put(op, Attr.InChannels, L("K"));
                PutPadding(op, L);
                break;
            case "pool":
                PutPair(op, Attr.Kernel, L("size_y"), L("size_x"));
                PutPair(op, Attr.Strides, L("stride_y") ?? 1, L("stride_x") ?? 1);
                if (L("is_global") is { } g) op.Attributes[Attr.Global] = g != 0;
                PutPadding(op, L);
                break;
            case "inner_product":
                Put(op, Attr.OutChannels, L("nC"));
                Put(op, Attr.InChannels, L("nB"));
                // A lookup inner product (an embedding): its nB rows are the table DIM-LOOKUP-NB bounds.
                if (L("is_lookup") is { } lookup && lookup != 0) Put(op, Attr.VocabSize, L("nB"));
                break;
            case "activation" or "elementwise":
                // The raw code stays visible for codes the kind table does not know.
                if (L(type == "activation" ? "mode" : "operation") is { } code) op.Attributes[Attr.SubType] = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (BoundedJson.Double(layer, "alpha") is { } alpha) op.Attributes[Attr.Alpha] = alpha;
                if (BoundedJson.Double(layer, "beta") is { } beta) op.Attributes[Attr.Beta] = beta;
                break;
        }

        var fused = FusedActivations.Where(f => L(f.Key) is { } v && v != 0).Select(f => f.Activation).Distinct().ToArray();
        if (fused.Length > 0) op.Attributes[Attr.FusedActivation] = string.Join("+", fused);
        foreach (var (key, attribute) in Hints)
            if (L(key) is { } v && v != 0) op.Attributes[attribute] = true;
        PutQuantization(op, layer);

        if (blobSizes is not null)
            op.WeightBytes = Diagnostics.Saturating.Sum(BlobIds(layer).Distinct().Select(id => blobSizes.TryGetValue(id, out var size) ? size : 0));
        return op;
    }

    /// <summary>Weight blob ids a layer references: <c>blob_*</c> and <c>*_blob</c> keys, and every value of its <c>weights</c> object.</summary>
    private static IEnumerable<ulong> BlobIds(JsonElement layer)
    {
        foreach (var p in layer.EnumerateObject())
        {
            if ((p.Name.StartsWith("blob_", StringComparison.Ordinal) || p.Name.EndsWith("_blob", StringComparison.Ordinal))
                && p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetUInt64(out var id))
                yield return id;
        }
        if (layer.TryGetProperty("weights", out var weights) && weights.ValueKind == JsonValueKind.Object)
            foreach (var w in weights.EnumerateObject())
                if (w.Value.ValueKind == JsonValueKind.Number && w.Value.TryGetUInt64(out var id))
                    yield return id;
    }

    private static void PutQuantization(Op op, JsonElement layer)
    {
        if (layer.TryGetProperty("quantization_lut_weights_blob", out _))
        {
            op.Attributes[Attr.Quantization] = "lut";
            return;
        }
        if (!layer.TryGetProperty("weights", out var weights) || weights.ValueKind != JsonValueKind.Object) return;
        if (!Int8WeightKeys.Any(k => weights.TryGetProperty(k, out _))) return;
        op.Attributes[Attr.Quantization] = weights.TryGetProperty("per_ch_qscale", out _) ? "per_channel" : "linear";
        op.Attributes[Attr.QuantizationBits] = 8L;
    }

    private static void PutPadding(Op op, Func<string, long?> l)
    {
        long?[] pad = { l("pad_t"), l("pad_b"), l("pad_l"), l("pad_r") };
        if (pad.Any(p => p is not null)) op.Attributes[Attr.Pad] = pad.Select(p => p ?? 0).ToArray();
    }

    private static void Put(Op op, string name, long? value)
    {
        if (value is { } v) op.Attributes[name] = v;
    }

    private static void PutPair(Op op, string name, long? outer, long? inner)
    {
        if (outer is { } a && inner is { } b) op.Attributes[name] = new[] { a, b };
    }
}
