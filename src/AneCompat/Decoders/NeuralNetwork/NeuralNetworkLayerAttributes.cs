using AneCompat.Graph;
using AneCompat.Schema;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// Translates layer parameters to the common attribute names of <see cref="Attr"/>, one small function per layer
/// type. Layer types without an entry carry no attributes beyond their kind.
/// </summary>
internal static class NeuralNetworkLayerAttributes
{
    private delegate void Fill(NeuralNetworkLayer layer, Dictionary<string, object> a);

    private static readonly Dictionary<L, Fill> Table = new()
    {
        [L.Convolution] = Convolution,
        [L.Convolution3D] = Convolution3D,
        [L.Pooling] = Pooling,
        [L.Pooling3D] = (l, a) =>
        {
            var p = l.Pooling3D;
            a[Attr.Kernel] = new long[] { p.KernelDepth, p.KernelHeight, p.KernelWidth };
            a[Attr.Strides] = new long[] { p.StrideDepth, p.StrideHeight, p.StrideWidth };
            a[Attr.PadType] = p.PaddingType switch
            {
                Pooling3DLayerParams.Types.Pooling3DPaddingType.Valid => "valid",
                Pooling3DLayerParams.Types.Pooling3DPaddingType.Same => "same",
                _ => "custom",
            };
            a[Attr.Pad] = new long[] { p.CustomPaddingFront, p.CustomPaddingBack, p.CustomPaddingTop, p.CustomPaddingBottom, p.CustomPaddingLeft, p.CustomPaddingRight };
        },
        [L.GlobalPooling3D] = (_, a) => a[Attr.Global] = true,
        [L.Activation] = Activation,
        [L.InnerProduct] = (l, a) =>
        {
            a[Attr.InChannels] = Long(l.InnerProduct.InputChannels);
            a[Attr.OutChannels] = Long(l.InnerProduct.OutputChannels);
        },
        // Recurrent layers: input width and hidden width, what their cost formula needs (op-kinds.tsv `recurrent`).
        [L.SimpleRecurrent] = (l, a) => Recurrent(a, l.SimpleRecurrent.InputVectorSize, l.SimpleRecurrent.OutputVectorSize),
        [L.Gru] = (l, a) => Recurrent(a, l.Gru.InputVectorSize, l.Gru.OutputVectorSize),
        [L.UniDirectionalLSTM] = (l, a) => Recurrent(a, l.UniDirectionalLSTM.InputVectorSize, l.UniDirectionalLSTM.OutputVectorSize),
        [L.BiDirectionalLSTM] = (l, a) => Recurrent(a, l.BiDirectionalLSTM.InputVectorSize, l.BiDirectionalLSTM.OutputVectorSize),
        [L.BatchedMatmul] = (l, a) =>
        {
            var m = l.BatchedMatmul;
            if (l.Input.Count == 1)
            {
                a[Attr.InChannels] = Long(m.WeightMatrixFirstDimension);
                a[Attr.OutChannels] = Long(m.WeightMatrixSecondDimension);
            }
            else a[Attr.DynamicWeights] = true;
        },
        [L.Embedding] = (l, a) =>
        {
            a[Attr.VocabSize] = Long(l.Embedding.InputDim);
            a[Attr.OutChannels] = Long(l.Embedding.OutputChannels);
        },
        [L.EmbeddingND] = (l, a) =>
        {
            a[Attr.VocabSize] = Long(l.EmbeddingND.VocabSize);
            a[Attr.OutChannels] = Long(l.EmbeddingND.EmbeddingSize);
        },
        [L.Batchnorm] = (l, a) =>
        {
            a[Attr.InChannels] = Long(l.Batchnorm.Channels);
            a[Attr.Epsilon] = (double)l.Batchnorm.Epsilon;
        },
        [L.Mvn] = (l, a) => a[Attr.Epsilon] = (double)l.Mvn.Epsilon,
        [L.L2Normalize] = (l, a) => a[Attr.Epsilon] = (double)l.L2Normalize.Epsilon,
        [L.LayerNormalization] = (l, a) => a[Attr.Epsilon] = (double)l.LayerNormalization.Eps,
        [L.Lrn] = (l, a) =>
        {
            a["size"] = Long(l.Lrn.LocalSize);
            a[Attr.Alpha] = (double)l.Lrn.Alpha;
            a[Attr.Beta] = (double)l.Lrn.Beta;
        },
        [L.Softmax] = (_, a) => a[Attr.Axis] = -3L,
        [L.SoftmaxND] = (l, a) => a[Attr.Axis] = l.SoftmaxND.Axis,
        [L.Concat] = (l, a) => a[Attr.Axis] = l.Concat.SequenceConcat ? -4L : -3L,
        [L.ConcatND] = (l, a) => a[Attr.Axis] = l.ConcatND.Axis,
        [L.SplitND] = (l, a) => a[Attr.Axis] = l.SplitND.Axis,
        [L.Split] = (_, a) => a[Attr.Axis] = -3L,
        [L.Stack] = (l, a) => a[Attr.Axis] = l.Stack.Axis,
        [L.Gather] = (l, a) => a[Attr.Axis] = l.Gather.Axis,
        [L.GatherAlongAxis] = (l, a) => a[Attr.Axis] = l.GatherAlongAxis.Axis,
        [L.CumSum] = (l, a) => a[Attr.Axis] = l.CumSum.Axis,
        [L.ArgMax] = (l, a) => a[Attr.Axis] = l.ArgMax.Axis,
        [L.ArgMin] = (l, a) => a[Attr.Axis] = l.ArgMin.Axis,
        [L.ArgSort] = (l, a) => a[Attr.Axis] = l.ArgSort.Axis,
        [L.TopK] = (l, a) =>
        {
            a[Attr.Axis] = l.TopK.Axis;
            if (l.Input.Count < 2) a[Attr.K] = Long(l.TopK.K);
        },
        [L.Padding] = Padding,
        [L.ConstantPad] = (l, a) =>
        {
            a[Attr.PadMode] = "constant";
            a[Attr.Pad] = l.ConstantPad.PadAmounts.Select(Long).ToArray();
        },
        [L.Upsample] = Upsample,
        [L.ResizeBilinear] = (l, a) =>
        {
            a["target_size"] = l.ResizeBilinear.TargetSize.Select(Long).ToArray();
            a[Attr.Mode] = SamplingMode(l.ResizeBilinear.Mode);
        },
        [L.CropResize] = (l, a) =>
        {
            a["target_size"] = l.CropResize.TargetSize.Select(Long).ToArray();
            a[Attr.Mode] = SamplingMode(l.CropResize.Mode);
        },
        [L.Tile] = (l, a) => a[Attr.Reps] = l.Tile.Reps.Select(Long).ToArray(),
        [L.ReorganizeData] = (l, a) => a["block_size"] = Long(l.ReorganizeData.BlockSize),
        [L.Unary] = (l, a) =>
        {
            a[Attr.SubType] = ProtoNames.EnumValue(nameof(UnaryFunctionLayerParams), "type", (int)l.Unary.Type);
            a[Attr.Alpha] = (double)l.Unary.Alpha;
            a[Attr.Epsilon] = (double)l.Unary.Epsilon;
        },
        [L.Reduce] = (l, a) =>
        {
            a[Attr.SubType] = ProtoNames.EnumValue(nameof(ReduceLayerParams), "mode", (int)l.Reduce.Mode);
            a[Attr.Axes] = l.Reduce.Axis switch
            {
                ReduceLayerParams.Types.ReduceAxis.Chw => new long[] { -3, -2, -1 },
                ReduceLayerParams.Types.ReduceAxis.Hw => new long[] { -2, -1 },
                ReduceLayerParams.Types.ReduceAxis.C => new long[] { -3 },
                ReduceLayerParams.Types.ReduceAxis.H => new long[] { -2 },
                _ => new long[] { -1 },
            };
        },
        [L.ReduceL1] = (l, a) => ReduceAxes(a, l.ReduceL1.Axes, l.ReduceL1.ReduceAll),
        [L.ReduceL2] = (l, a) => ReduceAxes(a, l.ReduceL2.Axes, l.ReduceL2.ReduceAll),
        [L.ReduceMax] = (l, a) => ReduceAxes(a, l.ReduceMax.Axes, l.ReduceMax.ReduceAll),
        [L.ReduceMin] = (l, a) => ReduceAxes(a, l.ReduceMin.Axes, l.ReduceMin.ReduceAll),
        [L.ReduceSum] = (l, a) => ReduceAxes(a, l.ReduceSum.Axes, l.ReduceSum.ReduceAll),
        [L.ReduceProd] = (l, a) => ReduceAxes(a, l.ReduceProd.Axes, l.ReduceProd.ReduceAll),
        [L.ReduceMean] = (l, a) => ReduceAxes(a, l.ReduceMean.Axes, l.ReduceMean.ReduceAll),
        [L.ReduceLogSum] = (l, a) => ReduceAxes(a, l.ReduceLogSum.Axes, l.ReduceLogSum.ReduceAll),
        [L.ReduceSumSquare] = (l, a) => ReduceAxes(a, l.ReduceSumSquare.Axes, l.ReduceSumSquare.ReduceAll),
        [L.ReduceLogSumExp] = (l, a) => ReduceAxes(a, l.ReduceLogSumExp.Axes, l.ReduceLogSumExp.ReduceAll),
        [L.Squeeze] = (l, a) => { if (!l.Squeeze.SqueezeAll) a[Attr.Axes] = l.Squeeze.Axes.ToArray(); },
        [L.ExpandDims] = (l, a) => a[Attr.Axes] = l.ExpandDims.Axes.ToArray(),
        [L.Transpose] = (l, a) => a[Attr.Axes] = l.Transpose.Axes.Select(Long).ToArray(),
        [L.Permute] = (l, a) => a[Attr.Axes] = l.Permute.Axis.Select(Long).ToArray(),
        [L.Custom] = (l, a) => a[Attr.CustomClass] = l.Custom.ClassName,
        [L.Gelu] = (l, a) => a[Attr.Mode] = ProtoNames.EnumValue(nameof(GeluLayerParams), "mode", (int)l.Gelu.Mode),
        [L.Add] = (l, a) => a[Attr.Alpha] = (double)l.Add.Alpha,
        [L.Multiply] = (l, a) => a[Attr.Alpha] = (double)l.Multiply.Alpha,
        [L.Clip] = (l, a) => { a[Attr.Alpha] = (double)l.Clip.MinVal; a[Attr.Beta] = (double)l.Clip.MaxVal; },
        [L.ClampedReLU] = (l, a) => { a[Attr.Alpha] = (double)l.ClampedReLU.Alpha; a[Attr.Beta] = (double)l.ClampedReLU.Beta; },
    };

    /// <summary>Adds the attributes of <paramref name="layer"/>'s parameters to <paramref name="attributes"/>.</summary>
    public static void Apply(NeuralNetworkLayer layer, Dictionary<string, object> attributes)
    {
        if (Table.TryGetValue(layer.LayerCase, out var fill)) fill(layer, attributes);
    }

    private static long Long(ulong v) => v > long.MaxValue ? long.MaxValue : (long)v;

    private static void Recurrent(Dictionary<string, object> a, ulong input, ulong hidden)
    {
        if (input > 0) a[Attr.InChannels] = Long(input);
        if (hidden > 0) a[Attr.OutChannels] = Long(hidden);
    }

    // Spatial and Borders run for every convolution and pooling layer: indexed loops into exact-size arrays.
    private static long[] Spatial(IReadOnlyList<ulong> values, long fallback)
    {
        if (values.Count == 0) return new[] { fallback, fallback };
        var list = new long[values.Count];
        for (var i = 0; i < list.Length; i++) list[i] = Long(values[i]);
        return list;
    }

    // BorderAmounts list H then W; the graph's Pad convention is [top, bottom, left, right].
    private static long[] Borders(BorderAmounts? b)
    {
        if (b is null) return new long[4];
        var edges = b.BorderAmounts_;
        var pad = new long[2 * edges.Count];
        for (var i = 0; i < edges.Count; i++)
        {
            pad[2 * i] = Long(edges[i].StartEdgeSize);
            pad[2 * i + 1] = Long(edges[i].EndEdgeSize);
        }
        return pad;
    }

    private static void Convolution(NeuralNetworkLayer l, Dictionary<string, object> a)
    {
        var c = l.Convolution;
        var groups = Math.Max(1L, Long(c.NGroups));
        a[Attr.Kernel] = Spatial(c.KernelSize, 3);
        a[Attr.Strides] = Spatial(c.Stride, 1);
        a[Attr.Dilations] = Spatial(c.DilationFactor, 1);
        a[Attr.Groups] = groups;
        a[Attr.OutChannels] = Long(c.OutputChannels);
        a[Attr.InChannels] = Long(c.KernelChannels) > long.MaxValue / groups ? long.MaxValue : Long(c.KernelChannels) * groups;
        if (c.ConvolutionPaddingTypeCase == ConvolutionLayerParams.ConvolutionPaddingTypeOneofCase.Same)
            a[Attr.PadType] = "same";
        else
        {
            a[Attr.PadType] = "valid";
            a[Attr.Pad] = Borders(c.Valid?.PaddingAmounts);
        }
        if (l.Input.Count > 1) a[Attr.DynamicWeights] = true;
    }

    private static void Convolution3D(NeuralNetworkLayer l, Dictionary<string, object> a)
    {
        var c = l.Convolution3D;
        var groups = Math.Max(1L, c.NGroups);
        a[Attr.Kernel] = new long[] { c.KernelDepth, c.KernelHeight, c.KernelWidth };
        a[Attr.Strides] = new long[] { c.StrideDepth, c.StrideHeight, c.StrideWidth };
        a[Attr.Dilations] = new long[] { c.DilationDepth, c.DilationHeight, c.DilationWidth };
        a[Attr.Groups] = groups;
        a[Attr.OutChannels] = (long)c.OutputChannels;
        a[Attr.InChannels] = (long)c.InputChannels;
        a[Attr.PadType] = c.PaddingType switch
        {
            Convolution3DLayerParams.Types.PaddingType.Valid => "valid",
            Convolution3DLayerParams.Types.PaddingType.Same => "same",
            _ => "custom",
        };
        a[Attr.Pad] = new long[] { c.CustomPaddingFront, c.CustomPaddingBack, c.CustomPaddingTop, c.CustomPaddingBottom, c.CustomPaddingLeft, c.CustomPaddingRight };
        if (l.Input.Count > 1) a[Attr.DynamicWeights] = true;
    }

    private static void Pooling(NeuralNetworkLayer l, Dictionary<string, object> a)
    {
        var p = l.Pooling;
        a[Attr.Kernel] = Spatial(p.KernelSize, 3);
        a[Attr.Strides] = Spatial(p.Stride, 1);
        a[Attr.Global] = p.GlobalPooling;
        switch (p.PoolingPaddingTypeCase)
        {
            case PoolingLayerParams.PoolingPaddingTypeOneofCase.Same:
                a[Attr.PadType] = "same";
                break;
            case PoolingLayerParams.PoolingPaddingTypeOneofCase.IncludeLastPixel:
                // Symmetric padding [padH, padW]; the last window is kept even when it starts past the end.
                a[Attr.PadType] = "include_last_pixel";
                var amounts = p.IncludeLastPixel.PaddingAmounts.Select(Long).ToArray();
                a[Attr.Pad] = amounts.Length == 2 ? new[] { amounts[0], amounts[0], amounts[1], amounts[1] } : new long[4];
                break;
            default:
                a[Attr.PadType] = "valid";
                a[Attr.Pad] = Borders(p.Valid?.PaddingAmounts);
                break;
        }
    }

    private static void Activation(NeuralNetworkLayer l, Dictionary<string, object> a)
    {
        var act = l.Activation;
        a[Attr.SubType] = ProtoNames.OneofMember(nameof(ActivationParams), "NonlinearityType", (int)act.NonlinearityTypeCase) ?? "none";
        (double? alpha, double? beta) = act.NonlinearityTypeCase switch
        {
            ActivationParams.NonlinearityTypeOneofCase.Linear => ((double?)act.Linear.Alpha, (double?)act.Linear.Beta),
            ActivationParams.NonlinearityTypeOneofCase.LeakyReLU => (act.LeakyReLU.Alpha, (double?)null),
            ActivationParams.NonlinearityTypeOneofCase.ThresholdedReLU => (act.ThresholdedReLU.Alpha, null),
            ActivationParams.NonlinearityTypeOneofCase.ScaledTanh => (act.ScaledTanh.Alpha, act.ScaledTanh.Beta),
            ActivationParams.NonlinearityTypeOneofCase.SigmoidHard => (act.SigmoidHard.Alpha, act.SigmoidHard.Beta),
            ActivationParams.NonlinearityTypeOneofCase.ELU => (act.ELU.Alpha, null),
            _ => (null, null),
        };
        if (alpha is { } al) a[Attr.Alpha] = al;
        if (beta is { } be) a[Attr.Beta] = be;
    }

    private static void Padding(NeuralNetworkLayer l, Dictionary<string, object> a)
    {
        a[Attr.PadMode] = l.Padding.PaddingTypeCase switch
        {
            PaddingLayerParams.PaddingTypeOneofCase.Reflection => "reflect",
            PaddingLayerParams.PaddingTypeOneofCase.Replication => "replicate",
            _ => "constant",
        };
        a[Attr.Pad] = Borders(l.Padding.PaddingAmounts);
    }

    private static void Upsample(NeuralNetworkLayer l, Dictionary<string, object> a)
    {
        var u = l.Upsample;
        if (u.FractionalScalingFactor.Count == 2) a[Attr.Scale] = u.FractionalScalingFactor.Select(f => (double)f).ToArray();
        else if (u.ScalingFactor.Count == 2) a[Attr.Scale] = u.ScalingFactor.Select(f => (double)f).ToArray();
        else a[Attr.Scale] = new[] { 1.0, 1.0 };
        a[Attr.Mode] = u.Mode == UpsampleLayerParams.Types.InterpolationMode.Bilinear ? "bilinear" : "nearest";
    }

    private static string SamplingMode(Schema.SamplingMode? m) =>
        ProtoNames.EnumValue(nameof(Schema.SamplingMode), "samplingMethod", (int)(m?.SamplingMethod ?? 0));

    private static void ReduceAxes(Dictionary<string, object> a, IEnumerable<long> axes, bool all)
    {
        if (all) a[Attr.Global] = true;
        else a[Attr.Axes] = axes.ToArray();
    }
}
