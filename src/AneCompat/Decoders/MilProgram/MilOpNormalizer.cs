using AneCompat.Graph;
using AneCompat.Registry;

namespace AneCompat.Decoders.MilProgram;

/// <summary>
/// Translates MIL op parameters, once their constant arguments are resolved, into the common attributes of
/// <see cref="Attr"/>. A table of small per-kind translators keyed by the registry's typed kinds (the attribute
/// normalisation hooks of MIL ops), plus the parameters every op may carry (axis, epsilon…).
/// </summary>
public static class MilOpNormalizer
{
    private delegate void Translator(Op op, Func<string, Op?> producerOf);

    private static readonly Dictionary<string, Translator> ByKind = Build();

    private static Dictionary<string, Translator> Build()
    {
        var t = new Dictionary<string, Translator>(StringComparer.Ordinal)
        {
            [OpKinds.Conv.Name] = (op, p) => Convolution(op, p, inChannelsAxis: 1),
            [OpKinds.ConvTranspose.Name] = (op, p) => Convolution(op, p, inChannelsAxis: 0),
            [OpKinds.AvgPool.Name] = Pool, [OpKinds.MaxPool.Name] = Pool, [OpKinds.L2Pool.Name] = Pool,
            [OpKinds.UpsampleNearestNeighbor.Name] = (op, _) => Upsample(op, "nearest"),
            [OpKinds.UpsampleBilinear.Name] = (op, _) => Upsample(op, "bilinear"),
            [OpKinds.ResizeNearestNeighbor.Name] = (op, _) => Resize(op, "nearest"),
            [OpKinds.ResizeBilinear.Name] = (op, _) => Resize(op, "bilinear"),
            [OpKinds.Resize.Name] = (op, _) => Resize(op, null),
            [OpKinds.CropResize.Name] = (op, _) => Resize(op, null),
            [OpKinds.Pad.Name] = PadOp,
            [OpKinds.Topk.Name] = (op, _) => SetLong(op, Attr.K, "k"),
            [OpKinds.Gather.Name] = Gather,
            [OpKinds.Linear.Name] = WeightedMatrix,
            [OpKinds.Matmul.Name] = WeightedMatrix,
            [OpKinds.ConstexprBlockwiseShiftScale.Name] = BlockwiseShiftScale,
            [OpKinds.ConstexprLutToDense.Name] = LutToDense,
            [OpKinds.ConstexprAffineDequantize.Name] = AffineDequantize,
            [OpKinds.Dequantize.Name] = (op, _) => Linear(op, op.Arg("input")?.Type.Element),
            [OpKinds.Quantize.Name] = (op, _) => Linear(op, ElementFromName(op.Arg("output_dtype")?.Constant?.AsString())),
        };
        return t;
    }

    /// <param name="producerOf">Finds the op producing a named value in scope (for weights decompressed by constexpr ops).</param>
    public static void Apply(Op op, Func<string, Op?> producerOf)
    {
        Common(op);
        if (ByKind.TryGetValue(op.Kind, out var translate)) translate(op, producerOf);
    }

    private static void Common(Op op)
    {
        SetLong(op, Attr.Axis, "axis");
        SetLongs(op, Attr.Axes, "axes");
        SetDouble(op, Attr.Epsilon, "epsilon");
        SetDouble(op, Attr.Alpha, "alpha");
        SetDouble(op, Attr.Beta, "beta");
        SetString(op, Attr.Mode, "mode");
    }

    private static void Convolution(Op op, Func<string, Op?> producerOf, int inChannelsAxis)
    {
        var weight = op.Arg("weight");
        var groups = Const(op, "groups")?.AsLong() ?? 1;
        op.Attributes[Attr.Groups] = groups;
        op.Attributes[Attr.DynamicWeights] = weight is null || !weight.IsConstant;
        SetLongs(op, Attr.Strides, "strides");
        SetLongs(op, Attr.Dilations, "dilations");
        SetLongs(op, Attr.Pad, "pad");
        op.Attributes[Attr.PadType] = Const(op, "pad_type")?.AsString() ?? "valid";
        // MIL weight layout: conv [Cout, Cin/groups, spatial…]; conv_transpose [Cin, Cout/groups, spatial…].
        var shape = weight?.Type.Shape.Dims;
        if (shape is { Count: >= 3 } && shape.All(d => d.IsKnown))
        {
            op.Attributes[Attr.Kernel] = shape.Skip(2).Select(d => d.Size!.Value).ToArray();
            var outAxis = 1 - inChannelsAxis;
            op.Attributes[Attr.InChannels] = inChannelsAxis == 1 ? shape[1].Size!.Value * groups : shape[0].Size!.Value;
            op.Attributes[Attr.OutChannels] = outAxis == 0 ? shape[0].Size!.Value : shape[1].Size!.Value * groups;
        }
        InheritQuantization(op, weight, producerOf);
    }

    private static void Pool(Op op, Func<string, Op?> _)
    {
        SetLongs(op, Attr.Kernel, "kernel_sizes");
        SetLongs(op, Attr.Strides, "strides");
        SetLongs(op, Attr.Pad, "pad");
        SetString(op, Attr.PadType, "pad_type");
        // MIL has no global-pooling flag: a kernel covering the whole input is a hand-made global pool, which the
        // rules judge as such (POOL-GLOBAL-VALID), so Attr.Global is deliberately not derived here.
    }

    private static void Upsample(Op op, string mode)
    {
        op.Attributes[Attr.Mode] = mode;
        var h = Const(op, "scale_factor_height")?.AsDouble();
        var w = Const(op, "scale_factor_width")?.AsDouble();
        if (h is not null || w is not null) op.Attributes[Attr.Scale] = new[] { h ?? 1, w ?? 1 };
    }

    private static void Resize(Op op, string? mode)
    {
        var sampling = Const(op, "sampling_mode")?.AsString() ?? Const(op, "mode")?.AsString();
        if (mode is not null || sampling is not null)
            op.Attributes[Attr.Mode] = mode is null ? sampling! : sampling is null ? mode : $"{mode}:{sampling}";
        // Scale from the input and output shapes when both are known (target sizes may be dynamic).
        var input = (op.Arg("x") ?? op.Arg("input"))?.Type.Shape;
        var output = op.Outputs.FirstOrDefault()?.Type.Shape;
        if (input?.Rank is >= 2 && output?.Rank == input.Rank
            && input[-2].Size is > 0 && input[-1].Size is > 0 && output[-2].IsKnown && output[-1].IsKnown)
            op.Attributes[Attr.Scale] = new[]
            {
                (double)output[-2].Size!.Value / input[-2].Size!.Value, (double)output[-1].Size!.Value / input[-1].Size!.Value,
            };
    }

    private static void PadOp(Op op, Func<string, Op?> _)
    {
        op.Attributes[Attr.PadMode] = Const(op, "mode")?.AsString() ?? "constant";
        SetLongs(op, Attr.Pad, "pad");
    }

    private static void Gather(Op op, Func<string, Op?> _)
    {
        var table = op.Arg("x");
        if (table?.IsConstant == true && table.Type.Shape.Rank > 0 && table.Type.Shape[0].Size is { } rows)
            op.Attributes[Attr.VocabSize] = rows;
    }

    private static void WeightedMatrix(Op op, Func<string, Op?> producerOf)
    {
        var weight = op.Arg("weight") ?? op.Arg("y");
        if (op.Is(OpKinds.Linear)) op.Attributes[Attr.DynamicWeights] = weight is null || !weight.IsConstant;
        InheritQuantization(op, weight, producerOf);
    }

    // A conv/linear/matmul whose weight a constexpr op decompresses is, for placement purposes, a quantized op.
    private static void InheritQuantization(Op op, Argument? weight, Func<string, Op?> producerOf)
    {
        if (weight?.Name is null || producerOf(weight.Name) is not { } producer) return;
        if (producer.Attributes.TryGetValue(Attr.Quantization, out var q)) op.Attributes[Attr.Quantization] = q;
        if (producer.Attributes.TryGetValue(Attr.QuantizationBits, out var b)) op.Attributes[Attr.QuantizationBits] = b;
    }

    private static void BlockwiseShiftScale(Op op, Func<string, Op?> _)
    {
        var data = op.Arg("data")?.Type;
        var scale = op.Arg("scale")?.Type.Shape;
        var perBlock = false;
        if (data?.Shape.Dims is { } d && scale?.Dims is { } s && d.Count == s.Count)
            for (var i = 0; i < d.Count; i++)
                if (d[i].Size is { } n && s[i].Size is > 0 and var m && n / m > 1 && n / m < n)
                    perBlock = true;
        op.Attributes[Attr.Quantization] = perBlock ? "per_block" : "per_channel";
        SetBits(op, data?.Element);
    }

    private static void LutToDense(Op op, Func<string, Op?> _)
    {
        op.Attributes[Attr.Quantization] = "lut";
        var indices = op.Arg("indices")?.Type.Element;
        // iOS18 stores indices as uintN; iOS16/17 packs them into uint8, so the palette size tells the width.
        if (indices is { } e && e.IsInteger() && e.Bits() < 8) { SetBits(op, e); return; }
        var lut = op.Arg("lut")?.Type.Shape;
        var entries = lut?.Rank switch { 1 => lut[0].Size, >= 2 => lut[-2].Size, _ => null };
        if (entries is > 1 && (entries & (entries - 1)) == 0)
            op.Attributes[Attr.QuantizationBits] = (long)Math.Log2(entries.Value);
    }

    private static void AffineDequantize(Op op, Func<string, Op?> _) =>
        Linear(op, op.Arg("quantized_data")?.Type.Element);

    private static void Linear(Op op, ElementType? stored)
    {
        op.Attributes[Attr.Quantization] = "linear";
        SetBits(op, stored);
    }

    private static void SetBits(Op op, ElementType? e)
    {
        if (e is { } t && t.IsInteger() && t.Bits() > 0) op.Attributes[Attr.QuantizationBits] = (long)t.Bits();
    }

    private static ElementType? ElementFromName(string? name) =>
        name is not null && ElementTypes.TryParseMilName(name, out var e) ? e : null;

    private static ConstantValue? Const(Op op, string parameter) => op.Arg(parameter)?.Constant;

    private static void SetLong(Op op, string attr, string parameter)
    {
        if (Const(op, parameter)?.AsLong() is { } v) op.Attributes[attr] = v;
    }

    private static void SetLongs(Op op, string attr, string parameter)
    {
        var c = Const(op, parameter);
        if (c?.Ints is { } ints) op.Attributes[attr] = ints;
        else if (c?.Floats is { } f && f.All(x => Math.Floor(x) == x)) op.Attributes[attr] = f.Select(x => (long)x).ToArray();
    }

    private static void SetDouble(Op op, string attr, string parameter)
    {
        if (Const(op, parameter)?.AsDouble() is { } v) op.Attributes[attr] = v;
    }

    private static void SetString(Op op, string attr, string parameter)
    {
        if (Const(op, parameter)?.AsString() is { } v) op.Attributes[attr] = v;
    }
}
