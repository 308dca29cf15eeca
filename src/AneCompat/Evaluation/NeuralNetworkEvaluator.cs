using AneCompat.Schema;
using Google.Protobuf.Collections;
using L = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Evaluation;

/// <summary>
/// Reference interpreter of NeuralNetwork layers on float tensors. Legacy (rank-5) layers see tensors as
/// [..., C, H, W] — inputs under the RANK5 mapping enter as [1, C, H, W], the graph's convention — and the
/// broadcastable/ND layers use NumPy semantics. Control flow (branch, loop, loopBreak, loopContinue) runs nested
/// networks on the same blobs; the recurrent layers live in <see cref="NeuralNetworkRecurrent"/>, the ND layers
/// around control flow in <see cref="NeuralNetworkNdLayers"/>, upsample and padding in
/// <see cref="NeuralNetworkResampling"/>. A layer it does not implement raises
/// <see cref="NotCoveredException"/> ("not covered: &lt;layer&gt;").
/// </summary>
public sealed class NeuralNetworkEvaluator
{
    private readonly EvaluationOptions _options;

    public NeuralNetworkEvaluator(EvaluationOptions? options = null) => _options = options ?? EvaluationOptions.Default;

    /// <summary>Layer kinds this evaluator implements (activation sub-types are checked when the layer runs).</summary>
    public static readonly IReadOnlySet<L> Covered = new HashSet<L>
    {
        L.Convolution, L.Pooling, L.Activation, L.InnerProduct, L.Batchnorm, L.Softmax, L.Add, L.Multiply, L.Max, L.Min,
        L.Average, L.Scale, L.Bias, L.Concat, L.Split, L.Flatten, L.Reshape, L.Permute, L.LoadConstant, L.Unary,
        L.Custom, L.SoftmaxND, L.ConcatND, L.SplitND, L.Transpose, L.ReshapeStatic, L.FlattenTo2D, L.Squeeze,
        L.ExpandDims, L.AddBroadcastable, L.SubtractBroadcastable, L.MultiplyBroadcastable, L.DivideBroadcastable,
        L.MinBroadcastable, L.MaxBroadcastable, L.BatchedMatmul, L.LoadConstantND, L.Copy, L.Clip, L.Tanh,
        L.UniDirectionalLSTM, L.BiDirectionalLSTM, L.Gru, L.SimpleRecurrent,
        L.Branch, L.Loop, L.LoopBreak, L.LoopContinue, L.GetShape, L.SliceStatic, L.Gather, L.Scatter, L.FillDynamic,
        L.FillStatic, L.FillLike, L.RangeStatic, L.RangeDynamic, L.Equal, L.NotEqual, L.LessThan, L.LessEqual,
        L.GreaterThan, L.GreaterEqual, L.LogicalAnd, L.LogicalOr, L.LogicalXor, L.LogicalNot, L.ReduceSum, L.ReduceMean,
        L.ReduceProd, L.ReduceMax, L.ReduceMin, L.Upsample, L.Padding, L.ConstantPad,
    };

    /// <summary>Runs <paramref name="layers"/> in order over <paramref name="blobs"/> (name → tensor, inputs already in
    /// the network's internal shapes), adding every layer output. Branches and loops run their nested networks on
    /// the same blobs, as Core ML's nested networks write into the enclosing scope.</summary>
    public void Run(IEnumerable<NeuralNetworkLayer> layers, IDictionary<string, Tensor> blobs)
    {
        if (Execute(layers, blobs) != Flow.Next) throw new ArgumentException("loopBreak or loopContinue outside a loop");
    }

    /// <summary>How a network ended: ran to its end, or hit a loopBreak / loopContinue for the enclosing loop.</summary>
    private enum Flow { Next, Break, Continue }

    /// <summary>A loop with no iteration bound runs at most this often before the evaluator gives up (no hang).</summary>
    public const int MaxLoopIterations = 1_000_000;

    private Flow Execute(IEnumerable<NeuralNetworkLayer> layers, IDictionary<string, Tensor> blobs)
    {
        foreach (var layer in layers)
        {
            switch (layer.LayerCase)
            {
                case L.LoopBreak: return Flow.Break;
                case L.LoopContinue: return Flow.Continue;
                case L.Branch:
                {
                    var taken = IsTrue(Read(layer, 0, blobs)) ? layer.Branch.IfBranch : layer.Branch.ElseBranch;
                    var flow = taken is null ? Flow.Next : Execute(taken.Layers, blobs);
                    if (flow != Flow.Next) return flow;
                    continue;
                }
                case L.Loop:
                    Loop(layer, blobs);
                    continue;
            }
            var inputs = layer.Input.Select((_, i) => Read(layer, i, blobs)).ToList();
            var outputs = Layer(layer, inputs);
            if (outputs.Count != layer.Output.Count)
                throw new ArgumentException($"layer '{layer.Name}' produced {outputs.Count} outputs for {layer.Output.Count} names");
            for (var i = 0; i < outputs.Count; i++)
                blobs[layer.Output[i]] = _options.Precision == Precision.Float16 ? TensorMath.RoundToHalf(outputs[i]) : outputs[i];
        }
        return Flow.Next;
    }

    private static Tensor Read(NeuralNetworkLayer layer, int input, IDictionary<string, Tensor> blobs)
    {
        if (layer.Input.Count <= input) throw new ArgumentException($"layer '{layer.Name}' has no input {input + 1}");
        var n = layer.Input[input];
        return blobs.TryGetValue(n, out var t) ? t : throw new ArgumentException($"layer '{layer.Name}' reads '{n}', which nothing produced");
    }

    /// <summary>A condition tensor's truth: its first value is non-zero.</summary>
    private static bool IsTrue(Tensor t) => t.Count > 0 && t.Data[0] != 0;

    /// <summary>
    /// A loop: the iteration count is the input's value when the layer has one, else <c>maxLoopIterations</c>
    /// when set; with a condition network, that network runs before every iteration and the loop stops once
    /// <c>conditionVar</c> is false. loopBreak / loopContinue in the body end the loop / the iteration.
    /// </summary>
    private void Loop(NeuralNetworkLayer layer, IDictionary<string, Tensor> blobs)
    {
        var p = layer.Loop;
        var hasCondition = p.ConditionNetwork is not null && p.ConditionVar.Length > 0;
        long limit = layer.Input.Count > 0 ? (long)Read(layer, 0, blobs).Data[0]
            : p.MaxLoopIterations > 0 ? (long)Math.Min(p.MaxLoopIterations, long.MaxValue)
            : hasCondition ? long.MaxValue
            : throw new NotCoveredException("loop without a condition or an iteration count");
        for (long i = 0; i < limit; i++)
        {
            if (hasCondition)
            {
                if (Execute(p.ConditionNetwork!.Layers, blobs) != Flow.Next) throw new ArgumentException($"loop '{layer.Name}': loopBreak in its condition network");
                if (!blobs.TryGetValue(p.ConditionVar, out var c)) throw new ArgumentException($"loop '{layer.Name}': condition '{p.ConditionVar}' was not computed");
                if (!IsTrue(c)) return;
            }
            if (i >= MaxLoopIterations) throw new NotCoveredException($"loop (more than {MaxLoopIterations} iterations)");
            if (p.BodyNetwork is not null && Execute(p.BodyNetwork.Layers, blobs) == Flow.Break) return;
        }
    }

    public IReadOnlyList<Tensor> Layer(NeuralNetworkLayer layer, IReadOnlyList<Tensor> x)
    {
        var name = $"layer '{layer.Name}'";
        Tensor One() => x.Count >= 1 ? x[0] : throw new ArgumentException($"{name} has no input");
        Tensor Second() => x.Count >= 2 ? x[1] : throw new ArgumentException($"{name} needs two inputs");
        IReadOnlyList<Tensor> Single(Tensor t) => new[] { t };
        switch (layer.LayerCase)
        {
            case L.Convolution: return Single(Convolution(layer.Convolution, x, name));
            case L.Pooling: return Single(Pooling(layer.Pooling, One()));
            case L.Activation: return Single(Activation(layer.Activation, One(), name));
            case L.InnerProduct: return Single(InnerProduct(layer.InnerProduct, One(), name));
            case L.Batchnorm: return Single(Batchnorm(layer.Batchnorm, One(), name));
            case L.Softmax: return Single(TensorMath.Softmax(One(), One().Axis(-3)));
            case L.Add: return Single(Reduce(x, layer.Add.Alpha, (a, b) => a + b));
            case L.Multiply: return Single(Reduce(x, layer.Multiply.Alpha, (a, b) => a * b, identity: 1));
            case L.Max: return Single(Reduce(x, null, Math.Max));
            case L.Min: return Single(Reduce(x, null, Math.Min));
            case L.Average:
            {
                var sum = Reduce(x, null, (a, b) => a + b);
                return Single(TensorMath.Map(sum, v => v / x.Count));
            }
            case L.Scale: return Single(ScaleLayer(layer.Scale, One(), name));
            case L.Bias:
            {
                var bias = WeightValues.Read(layer.Bias.Bias, Product(layer.Bias.Shape), name + " bias");
                return Single(TensorMath.Binary(One(), new Tensor(LegacyShape(layer.Bias.Shape), bias), (a, b) => a + b));
            }
            case L.Concat:
                if (layer.Concat.SequenceConcat) throw new NotCoveredException("concat (sequence axis)");
                return Single(TensorMath.Concat(x, One().Axis(-3)));
            case L.Split:
            {
                var t = One(); var axis = t.Axis(-3);
                return TensorMath.Split(t, axis, TensorMath.EqualSplits(t.Shape[axis], layer.Output.Count));
            }
            case L.Flatten: return Single(Flatten(layer.Flatten, One()));
            case L.Reshape: return Single(Reshape(layer.Reshape, One()));
            case L.Permute:
            {
                var t = One();
                if (t.Rank != 4) throw new NotCoveredException("permute of a tensor not of rank 4");
                return Single(TensorMath.Transpose(t, layer.Permute.Axis.Select(a => (int)a).ToArray()));
            }
            case L.LoadConstant:
            {
                var shape = layer.LoadConstant.Shape;
                var data = WeightValues.Read(layer.LoadConstant.Data, Product(shape), name);
                return Single(new Tensor(LegacyShape(shape), data));
            }
            case L.Unary: return Single(Unary(layer.Unary, One()));
            case L.Custom:
            {
                var cls = layer.Custom.ClassName;
                if (!_options.CustomLayers.TryGetValue(cls, out var kernel)) throw new NotCoveredException($"custom ({cls})");
                return kernel(x);
            }
            case L.SoftmaxND: return Single(TensorMath.Softmax(One(), One().Axis(layer.SoftmaxND.Axis)));
            case L.ConcatND: return Single(TensorMath.Concat(x, One().Axis(layer.ConcatND.Axis), layer.ConcatND.Interleave));
            case L.SplitND:
            {
                var t = One(); var axis = t.Axis(layer.SplitND.Axis);
                var sizes = layer.SplitND.SplitSizes.Count > 0 ? layer.SplitND.SplitSizes.Select(s => (int)s).ToArray()
                    : TensorMath.EqualSplits(t.Shape[axis], (int)(layer.SplitND.NumSplits > 0 ? layer.SplitND.NumSplits : (ulong)layer.Output.Count));
                return TensorMath.Split(t, axis, sizes);
            }
            case L.Transpose: return Single(TensorMath.Transpose(One(), layer.Transpose.Axes.Select(a => (int)a).ToArray()));
            case L.ReshapeStatic: return Single(ReshapeTo(One(), layer.ReshapeStatic.TargetShape.ToArray()));
            case L.FlattenTo2D:
            {
                var t = One();
                var axis = layer.FlattenTo2D.Axis < 0 ? layer.FlattenTo2D.Axis + t.Rank : layer.FlattenTo2D.Axis;
                if (axis < 0 || axis > t.Rank) throw new ArgumentException($"{name}: axis out of range");
                var a = t.Shape.Take((int)axis).Aggregate(1, (p, d) => p * d);
                return Single(t.Reshape(new[] { a, t.Count / Math.Max(a, 1) }));
            }
            case L.Squeeze:
            {
                var t = One();
                var axes = layer.Squeeze.SqueezeAll ? Enumerable.Range(0, t.Rank).Where(i => t.Shape[i] == 1).ToHashSet()
                    : layer.Squeeze.Axes.Select(a => t.Axis(a)).ToHashSet();
                var shape = t.Shape.Where((_, i) => !axes.Contains(i)).ToArray();
                return Single(t.Reshape(shape.Length == 0 ? new[] { 1 } : shape));
            }
            case L.ExpandDims:
            {
                var t = One();
                var rank = t.Rank + layer.ExpandDims.Axes.Count;
                var axes = layer.ExpandDims.Axes.Select(a => (int)(a < 0 ? a + rank : a)).ToHashSet();
                var shape = new int[rank]; var k = 0;
                for (var i = 0; i < rank; i++) shape[i] = axes.Contains(i) ? 1 : t.Shape[k++];
                return Single(t.Reshape(shape));
            }
            case L.AddBroadcastable: return Single(Binary(x, (a, b) => a + b, name));
            case L.SubtractBroadcastable: return Single(Binary(x, (a, b) => a - b, name));
            case L.MultiplyBroadcastable: return Single(Binary(x, (a, b) => a * b, name));
            case L.DivideBroadcastable: return Single(Binary(x, (a, b) => a / b, name));
            case L.MinBroadcastable: return Single(x.Aggregate((a, b) => TensorMath.Binary(a, b, Math.Min)));
            case L.MaxBroadcastable: return Single(x.Aggregate((a, b) => TensorMath.Binary(a, b, Math.Max)));
            case L.BatchedMatmul: return Single(BatchedMatMul(layer.BatchedMatmul, x, name));
            case L.LoadConstantND:
            {
                var shape = layer.LoadConstantND.Shape.Select(d => (int)d).ToArray();
                return Single(new Tensor(shape, WeightValues.Read(layer.LoadConstantND.Data, Tensor.ElementCount(shape), name)));
            }
            case L.Copy: return Single(One());
            case L.Clip: return Single(TensorMath.Map(One(), v => Math.Clamp(v, layer.Clip.MinVal, layer.Clip.MaxVal)));
            case L.Tanh: return Single(TensorMath.Map(One(), MathF.Tanh));
            case L.UniDirectionalLSTM: return NeuralNetworkRecurrent.UniDirectionalLstm(layer.UniDirectionalLSTM, x, layer.Output.Count, name);
            case L.BiDirectionalLSTM: return NeuralNetworkRecurrent.BiDirectionalLstm(layer.BiDirectionalLSTM, x, layer.Output.Count, name);
            case L.Gru: return NeuralNetworkRecurrent.Gru(layer.Gru, x, layer.Output.Count, name);
            case L.SimpleRecurrent: return NeuralNetworkRecurrent.SimpleRecurrent(layer.SimpleRecurrent, x, layer.Output.Count, name);
            case L.GetShape: return Single(NeuralNetworkNdLayers.GetShape(One()));
            case L.SliceStatic: return Single(NeuralNetworkNdLayers.SliceStatic(layer.SliceStatic, One(), name));
            case L.Gather: return Single(NeuralNetworkNdLayers.Gather(One(), Second(), layer.Gather.Axis, name));
            case L.Scatter:
                if (x.Count != 3) throw new ArgumentException($"{name} needs container, indices and updates");
                return Single(NeuralNetworkNdLayers.Scatter(x[0], x[1], x[2], layer.Scatter.Axis, layer.Scatter.Mode, name));
            case L.FillDynamic: return Single(NeuralNetworkNdLayers.FillDynamic(One(), layer.FillDynamic.Value, name));
            case L.FillStatic: return Single(NeuralNetworkNdLayers.Fill(layer.FillStatic.TargetShape.Select(d => (int)d).ToArray(), layer.FillStatic.Value));
            case L.FillLike: return Single(NeuralNetworkNdLayers.Fill(One().Shape, layer.FillLike.Value));
            case L.RangeStatic: return Single(NeuralNetworkNdLayers.Range(layer.RangeStatic.StartValue, layer.RangeStatic.EndValue, layer.RangeStatic.StepSizeValue, name));
            case L.RangeDynamic:
                return Single(NeuralNetworkNdLayers.Range(x.Count > 1 ? x[1].Data[0] : layer.RangeDynamic.StartValue, One().Data[0],
                    x.Count > 2 ? x[2].Data[0] : layer.RangeDynamic.StepSizeValue, name));
            case L.Equal: return Single(NeuralNetworkNdLayers.Compare(x, layer.Equal.Alpha, (a, b) => a == b, name));
            case L.NotEqual: return Single(NeuralNetworkNdLayers.Compare(x, layer.NotEqual.Alpha, (a, b) => a != b, name));
            case L.LessThan: return Single(NeuralNetworkNdLayers.Compare(x, layer.LessThan.Alpha, (a, b) => a < b, name));
            case L.LessEqual: return Single(NeuralNetworkNdLayers.Compare(x, layer.LessEqual.Alpha, (a, b) => a <= b, name));
            case L.GreaterThan: return Single(NeuralNetworkNdLayers.Compare(x, layer.GreaterThan.Alpha, (a, b) => a > b, name));
            case L.GreaterEqual: return Single(NeuralNetworkNdLayers.Compare(x, layer.GreaterEqual.Alpha, (a, b) => a >= b, name));
            case L.LogicalAnd: return Single(NeuralNetworkNdLayers.Logical(x, (a, b) => a && b, name));
            case L.LogicalOr: return Single(NeuralNetworkNdLayers.Logical(x, (a, b) => a || b, name));
            case L.LogicalXor: return Single(NeuralNetworkNdLayers.Logical(x, (a, b) => a ^ b, name));
            case L.LogicalNot: return Single(TensorMath.Map(One(), v => v == 0 ? 1 : 0));
            case L.ReduceSum: return Single(NeuralNetworkNdLayers.Reduce(One(), layer.ReduceSum.Axes, layer.ReduceSum.KeepDims, layer.ReduceSum.ReduceAll, NeuralNetworkNdLayers.ReduceKind.Sum));
            case L.ReduceMean: return Single(NeuralNetworkNdLayers.Reduce(One(), layer.ReduceMean.Axes, layer.ReduceMean.KeepDims, layer.ReduceMean.ReduceAll, NeuralNetworkNdLayers.ReduceKind.Mean));
            case L.ReduceProd: return Single(NeuralNetworkNdLayers.Reduce(One(), layer.ReduceProd.Axes, layer.ReduceProd.KeepDims, layer.ReduceProd.ReduceAll, NeuralNetworkNdLayers.ReduceKind.Prod));
            case L.ReduceMax: return Single(NeuralNetworkNdLayers.Reduce(One(), layer.ReduceMax.Axes, layer.ReduceMax.KeepDims, layer.ReduceMax.ReduceAll, NeuralNetworkNdLayers.ReduceKind.Max));
            case L.ReduceMin: return Single(NeuralNetworkNdLayers.Reduce(One(), layer.ReduceMin.Axes, layer.ReduceMin.KeepDims, layer.ReduceMin.ReduceAll, NeuralNetworkNdLayers.ReduceKind.Min));
            case L.Upsample: return Single(NeuralNetworkResampling.Upsample(layer.Upsample, One(), name));
            case L.Padding: return Single(NeuralNetworkResampling.Padding(layer.Padding, One(), name));
            case L.ConstantPad: return Single(NeuralNetworkResampling.ConstantPad(layer.ConstantPad, x, name));
            case L.Branch or L.Loop or L.LoopBreak or L.LoopContinue:
                throw new ArgumentException($"{name}: control flow runs through Run (it needs the blobs), not Layer");
            default: throw new NotCoveredException(KindName(layer));
        }
    }

    /// <summary>The layer's oneof name as the format spells it (<c>convolution</c>, <c>addBroadcastable</c>).</summary>
    public static string KindName(NeuralNetworkLayer layer)
    {
        var field = NeuralNetworkLayer.Descriptor.FindFieldByNumber((int)layer.LayerCase);
        return field?.Name ?? layer.LayerCase.ToString();
    }

    private static long Product(RepeatedField<ulong> shape) => shape.Aggregate(1L, (p, d) => p * (long)d);

    /// <summary>A legacy constant/parameter shape ([C], [C, H, W] or [1]) as a tensor aligned at the last axis.</summary>
    private static int[] LegacyShape(RepeatedField<ulong> shape) => shape.Count switch
    {
        1 => new[] { (int)shape[0], 1, 1 },
        _ => shape.Select(d => (int)d).ToArray(),
    };

    private static Tensor Reduce(IReadOnlyList<Tensor> x, float? alpha, Func<float, float, float> f, float identity = 0)
    {
        if (x.Count == 1)
            return alpha is { } a ? TensorMath.Binary(x[0], Tensor.Scalar(a), f) : x[0];
        return x.Aggregate((a, b) => TensorMath.Binary(a, b, f));
    }

    private static Tensor Binary(IReadOnlyList<Tensor> x, Func<float, float, float> f, string name) =>
        x.Count == 2 ? TensorMath.Binary(x[0], x[1], f) : throw new ArgumentException($"{name} needs two inputs");

    private static Tensor Convolution(ConvolutionLayerParams p, IReadOnlyList<Tensor> inputs, string name)
    {
        if (p.IsDeconvolution) throw new NotCoveredException("convolution (deconvolution)");
        if (inputs.Count != 1) throw new NotCoveredException("convolution (weights from an input)");
        var x = inputs[0];
        int kh = p.KernelSize.Count > 0 ? (int)p.KernelSize[0] : 3, kw = p.KernelSize.Count > 1 ? (int)p.KernelSize[1] : 3;
        int sh = p.Stride.Count > 0 ? (int)p.Stride[0] : 1, sw = p.Stride.Count > 1 ? (int)p.Stride[1] : 1;
        int dh = p.DilationFactor.Count > 0 ? (int)p.DilationFactor[0] : 1, dw = p.DilationFactor.Count > 1 ? (int)p.DilationFactor[1] : 1;
        var groups = (int)Math.Max(1, p.NGroups);
        var cout = (int)p.OutputChannels;
        var w = WeightValues.Read(p.Weights, (long)cout * (long)p.KernelChannels * kh * kw, name + " weights");
        var b = p.HasBias ? WeightValues.Read(p.Bias, cout, name + " bias") : null;
        var pad = p.ConvolutionPaddingTypeCase == ConvolutionLayerParams.ConvolutionPaddingTypeOneofCase.Same
            ? Padding2D.Same(x.Shape[^2], x.Shape[^1], kh, kw, sh, sw, dh, dw, p.Same.AsymmetryMode == SamePadding.Types.SamePaddingMode.TopLeftHeavy)
            : Borders(p.Valid?.PaddingAmounts);
        return Spatial.Conv2D(x, w, b, cout, kh, kw, sh, sw, dh, dw, pad, groups);
    }

    private static Padding2D Borders(BorderAmounts? amounts)
    {
        if (amounts is null || amounts.BorderAmounts_.Count == 0) return Padding2D.None;
        var h = amounts.BorderAmounts_[0];
        var w = amounts.BorderAmounts_.Count > 1 ? amounts.BorderAmounts_[1] : new BorderAmounts.Types.EdgeSizes();
        return new Padding2D((int)h.StartEdgeSize, (int)h.EndEdgeSize, (int)w.StartEdgeSize, (int)w.EndEdgeSize);
    }

    private static Tensor Pooling(PoolingLayerParams p, Tensor x)
    {
        var kind = p.Type switch
        {
            PoolingLayerParams.Types.PoolingType.Max => PoolKind.Max,
            PoolingLayerParams.Types.PoolingType.Average => PoolKind.Average,
            _ => PoolKind.L2,
        };
        int h = x.Shape[^2], w = x.Shape[^1];
        if (p.GlobalPooling) return Spatial.Pool2D(x, kind, h, w, 1, 1, Padding2D.None, 1, 1, excludePadding: true);
        int kh = p.KernelSize.Count > 0 ? (int)p.KernelSize[0] : 3, kw = p.KernelSize.Count > 1 ? (int)p.KernelSize[1] : 3;
        int sh = p.Stride.Count > 0 ? (int)p.Stride[0] : 1, sw = p.Stride.Count > 1 ? (int)p.Stride[1] : 1;
        switch (p.PoolingPaddingTypeCase)
        {
            case PoolingLayerParams.PoolingPaddingTypeOneofCase.Same:
            {
                var pad = Padding2D.Same(h, w, kh, kw, sh, sw);
                return Spatial.Pool2D(x, kind, kh, kw, sh, sw, pad, (h + sh - 1) / sh, (w + sw - 1) / sw, p.AvgPoolExcludePadding);
            }
            case PoolingLayerParams.PoolingPaddingTypeOneofCase.IncludeLastPixel:
            {
                var amounts = p.IncludeLastPixel.PaddingAmounts;
                int ph = amounts.Count > 0 ? (int)amounts[0] : 0, pw = amounts.Count > 1 ? (int)amounts[1] : 0;
                int oh = (int)Math.Ceiling((h + 2.0 * ph - kh) / sh) + 1, ow = (int)Math.Ceiling((w + 2.0 * pw - kw) / sw) + 1;
                if (ph > 0 && (oh - 1) * sh >= h + ph) oh--;
                if (pw > 0 && (ow - 1) * sw >= w + pw) ow--;
                return Spatial.Pool2D(x, kind, kh, kw, sh, sw, new Padding2D(ph, ph, pw, pw), oh, ow, p.AvgPoolExcludePadding);
            }
            default:
            {
                var pad = Borders(p.Valid?.PaddingAmounts);
                int oh = (h + pad.Top + pad.Bottom - kh) / sh + 1, ow = (w + pad.Left + pad.Right - kw) / sw + 1;
                return Spatial.Pool2D(x, kind, kh, kw, sh, sw, pad, oh, ow, p.AvgPoolExcludePadding);
            }
        }
    }

    public static Tensor Activation(ActivationParams p, Tensor x, string name)
    {
        if (p.NonlinearityTypeCase != ActivationParams.NonlinearityTypeOneofCase.PReLU) return TensorMath.Map(x, ScalarActivation(p, name));
        var c = x.Shape[x.Axis(-3)];
        var alpha = WeightValues.Read(p.PReLU.Alpha, -1, name + " alpha");
        if (alpha.Length != 1 && alpha.Length != c) throw new ArgumentException($"{name}: {alpha.Length} PReLU slopes for {c} channels");
        var at = new Tensor(new[] { alpha.Length, 1, 1 }, alpha);
        return TensorMath.Binary(x, at, (v, s) => v >= 0 ? v : s * v, x.Type);
    }

    /// <summary>An activation that acts on each value alone (all but the per-channel PReLU), as a function; the
    /// recurrent layers' gate activations use the same.</summary>
    public static Func<float, float> ScalarActivation(ActivationParams p, string name)
    {
        switch (p.NonlinearityTypeCase)
        {
            case ActivationParams.NonlinearityTypeOneofCase.Linear: { var a = p.Linear.Alpha; var b = p.Linear.Beta; return v => a * v + b; }
            case ActivationParams.NonlinearityTypeOneofCase.ReLU: return v => v > 0 ? v : 0;
            case ActivationParams.NonlinearityTypeOneofCase.LeakyReLU: { var a = p.LeakyReLU.Alpha; return v => v >= 0 ? v : a * v; }
            case ActivationParams.NonlinearityTypeOneofCase.ThresholdedReLU: { var a = p.ThresholdedReLU.Alpha; return v => v > a ? v : 0; }
            case ActivationParams.NonlinearityTypeOneofCase.Tanh: return MathF.Tanh;
            case ActivationParams.NonlinearityTypeOneofCase.ScaledTanh: { var a = p.ScaledTanh.Alpha; var b = p.ScaledTanh.Beta; return v => a * MathF.Tanh(b * v); }
            case ActivationParams.NonlinearityTypeOneofCase.Sigmoid: return Sigmoid;
            case ActivationParams.NonlinearityTypeOneofCase.SigmoidHard: { var a = p.SigmoidHard.Alpha; var b = p.SigmoidHard.Beta; return v => Math.Clamp(a * v + b, 0, 1); }
            case ActivationParams.NonlinearityTypeOneofCase.ELU: { var a = p.ELU.Alpha; return v => v >= 0 ? v : a * (MathF.Exp(v) - 1); }
            case ActivationParams.NonlinearityTypeOneofCase.Softsign: return v => v / (1 + Math.Abs(v));
            case ActivationParams.NonlinearityTypeOneofCase.Softplus: return v => (float)Math.Log(1 + Math.Exp(v));
            default: throw new NotCoveredException($"activation ({p.NonlinearityTypeCase})");
        }
    }

    public static float Sigmoid(float v) => (float)(1.0 / (1.0 + Math.Exp(-v)));

    private static Tensor InnerProduct(InnerProductLayerParams p, Tensor x, string name)
    {
        if (p.Int8DynamicQuantize) throw new NotCoveredException("innerProduct (int8 dynamic quantization)");
        int cin = (int)p.InputChannels, cout = (int)p.OutputChannels;
        var w = WeightValues.Read(p.Weights, (long)cin * cout, name + " weights");
        var b = p.HasBias ? WeightValues.Read(p.Bias, cout, name + " bias") : null;
        var featureAxes = x.Rank >= 3 ? 3 : 1;
        var features = x.Shape.Skip(x.Rank - featureAxes).Aggregate(1, (a, d) => a * d);
        if (features != cin) throw new ArgumentException($"{name}: input has {features} features, the layer {cin}");
        var rows = x.Count / cin;
        var y = new float[rows * cout];
        for (var r = 0; r < rows; r++)
            for (var o = 0; o < cout; o++)
            {
                double s = b?[o] ?? 0;
                for (var i = 0; i < cin; i++) s += (double)w[o * cin + i] * x.Data[r * cin + i];
                y[r * cout + o] = (float)s;
            }
        var shape = x.Shape.Take(x.Rank - featureAxes).Concat(featureAxes == 3 ? new[] { cout, 1, 1 } : new[] { cout }).ToArray();
        return new Tensor(shape, y, x.Type);
    }

    private static Tensor Batchnorm(BatchnormLayerParams p, Tensor x, string name)
    {
        var c = (int)p.Channels;
        var axis = x.Axis(-3);
        if (x.Shape[axis] != c) throw new ArgumentException($"{name}: {x.Shape[axis]} channels, the layer has {c}");
        var gamma = WeightValues.Read(p.Gamma, c, name + " gamma");
        var beta = WeightValues.Read(p.Beta, c, name + " beta");
        var (outer, _, inner) = TensorMath.AroundAxis(x.Shape, axis);
        float[] mean, variance;
        if (p.ComputeMeanVar)
        {
            if (!p.InstanceNormalization) throw new NotCoveredException("batchnorm (computed mean and variance over the batch)");
            mean = new float[c]; variance = new float[c];
            if (outer != 1) throw new NotCoveredException("batchnorm (instance normalisation of a batch)");
            for (var ch = 0; ch < c; ch++)
            {
                double s = 0, s2 = 0;
                for (var i = 0; i < inner; i++) { var v = x.Data[ch * inner + i]; s += v; s2 += (double)v * v; }
                mean[ch] = (float)(s / inner);
                variance[ch] = (float)Math.Max(0, s2 / inner - (s / inner) * (s / inner));
            }
        }
        else
        {
            mean = WeightValues.Read(p.Mean, c, name + " mean");
            variance = WeightValues.Read(p.Variance, c, name + " variance");
        }
        var y = new float[x.Count];
        for (var o = 0; o < outer; o++)
            for (var ch = 0; ch < c; ch++)
            {
                var k = gamma[ch] / Math.Sqrt(variance[ch] + p.Epsilon);
                for (var i = 0; i < inner; i++)
                {
                    var at = (o * c + ch) * inner + i;
                    y[at] = (float)((x.Data[at] - mean[ch]) * k + beta[ch]);
                }
            }
        return new Tensor(x.Shape, y, x.Type);
    }

    private static Tensor ScaleLayer(ScaleLayerParams p, Tensor x, string name)
    {
        var s = WeightValues.Read(p.Scale, Product(p.ShapeScale), name + " scale");
        var y = TensorMath.Binary(x, new Tensor(LegacyShape(p.ShapeScale), s), (a, b) => a * b, x.Type);
        if (!p.HasBias) return y;
        var b = WeightValues.Read(p.Bias, Product(p.ShapeBias), name + " bias");
        return TensorMath.Binary(y, new Tensor(LegacyShape(p.ShapeBias), b), (a, c) => a + c, x.Type);
    }

    private static Tensor Flatten(FlattenLayerParams p, Tensor x)
    {
        if (x.Rank < 3) return x.Reshape(x.Shape.Concat(new[] { 1, 1 }).ToArray()[..Math.Max(3, x.Rank)]);
        var lead = x.Shape.Take(x.Rank - 3).ToArray();
        if (p.Mode == FlattenLayerParams.Types.FlattenOrder.ChannelLast)
        {
            var r = x.Rank;
            var perm = Enumerable.Range(0, r - 3).Concat(new[] { r - 2, r - 1, r - 3 }).ToArray();
            x = TensorMath.Transpose(x, perm);
        }
        var features = x.Shape.Skip(x.Rank - 3).Aggregate(1, (a, d) => a * d);
        return x.Reshape(lead.Concat(new[] { features, 1, 1 }).ToArray());
    }

    private static Tensor Reshape(ReshapeLayerParams p, Tensor x)
    {
        var target = p.TargetShape.Select(d => (int)d).ToArray();
        if (target.Length is not (3 or 4)) throw new ArgumentException("reshape target shape must have 3 or 4 dims");
        var chw = target.Length == 3 ? target : target[1..];
        var seq = target.Length == 4 ? target[0] : x.Rank >= 4 ? x.Shape[^4] : 1;
        if (p.Mode == ReshapeLayerParams.Types.ReshapeOrder.ChannelLast)
        {
            var hwc = TensorMath.Transpose(x.Rank == 4 ? x : x.Reshape(new[] { 1 }.Concat(x.Shape[^3..]).ToArray()), new[] { 0, 2, 3, 1 });
            var reshaped = hwc.Reshape(new[] { seq, chw[1], chw[2], chw[0] });
            return TensorMath.Transpose(reshaped, new[] { 0, 3, 1, 2 });
        }
        return x.Reshape(new[] { seq }.Concat(chw).ToArray());
    }

    /// <summary>reshapeStatic / reshape with one −1 (inferred) and 0 meaning "copy this axis".</summary>
    public static Tensor ReshapeTo(Tensor x, IReadOnlyList<long> target)
    {
        var shape = new int[target.Count];
        var infer = -1;
        for (var i = 0; i < target.Count; i++)
        {
            if (target[i] == -1) { if (infer >= 0) throw new ArgumentException("reshape with two inferred axes"); infer = i; shape[i] = 1; }
            else shape[i] = (int)target[i];
        }
        if (infer >= 0)
        {
            var known = shape.Where((_, i) => i != infer).Aggregate(1, (a, d) => a * d);
            if (known == 0 || x.Count % known != 0) throw new ArgumentException("reshape cannot infer the axis");
            shape[infer] = x.Count / known;
        }
        return x.Reshape(shape);
    }

    private static Tensor Unary(UnaryFunctionLayerParams p, Tensor x)
    {
        float a = p.Alpha, eps = p.Epsilon, shift = p.Shift, scale = p.Scale == 0 && p.Shift == 0 ? 1 : p.Scale;
        // Unset scale (0 in proto3) would zero everything; Core ML's default is 1.
        Func<float, float> f = p.Type switch
        {
            UnaryFunctionLayerParams.Types.Operation.Sqrt => v => MathF.Sqrt(v),
            UnaryFunctionLayerParams.Types.Operation.Rsqrt => v => 1 / MathF.Sqrt(v + eps),
            UnaryFunctionLayerParams.Types.Operation.Inverse => v => 1 / (v + eps),
            UnaryFunctionLayerParams.Types.Operation.Power => v => MathF.Pow(v, a),
            UnaryFunctionLayerParams.Types.Operation.Exp => MathF.Exp,
            UnaryFunctionLayerParams.Types.Operation.Log => v => MathF.Log(v + eps),
            UnaryFunctionLayerParams.Types.Operation.Abs => MathF.Abs,
            UnaryFunctionLayerParams.Types.Operation.Threshold => v => Math.Max(v, a),
            _ => throw new NotCoveredException($"unary ({p.Type})"),
        };
        return TensorMath.Map(x, v => f(scale * v + shift));
    }

    private static Tensor BatchedMatMul(BatchedMatMulLayerParams p, IReadOnlyList<Tensor> x, string name)
    {
        if (p.Int8DynamicQuantize) throw new NotCoveredException("batchedMatmul (int8 dynamic quantization)");
        if (x.Count == 2) return TensorMath.MatMul(x[0], x[1], p.TransposeA, p.TransposeB);
        if (x.Count != 1) throw new ArgumentException($"{name} needs one or two inputs");
        int rows = (int)p.WeightMatrixFirstDimension, cols = (int)p.WeightMatrixSecondDimension;
        var w = new Tensor(new[] { rows, cols }, WeightValues.Read(p.Weights, (long)rows * cols, name + " weights"));
        var y = TensorMath.MatMul(x[0], w, p.TransposeA, false);
        if (!p.HasBias) return y;
        var b = WeightValues.Read(p.Bias, cols, name + " bias");
        return TensorMath.Binary(y, new Tensor(new[] { cols }, b), (a, c) => a + c, y.Type);
    }
}
