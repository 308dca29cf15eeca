using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>
/// The reference semantics of the NeuralNetwork layers that <c>fix</c> rewrites and emits (element-wise
/// broadcastable and Core ML 2 arithmetic, linear activation, scale, bias, concat/split in both forms, 2-D
/// convolution with dilation, constants), evaluated in fp32 — or with every op's result rounded through
/// <see cref="Half"/> when <c>roundToHalf</c> is set — on named tensors. Small by design: it proves local rewrites.
/// </summary>
public static class FixLayerEvaluator
{
    public static Dictionary<string, FixTensor> Run(IEnumerable<NeuralNetworkLayer> layers, IReadOnlyDictionary<string, FixTensor> inputs, bool roundToHalf = false)
    {
        var values = new Dictionary<string, FixTensor>(inputs, StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            FixTensor In(int i) => i < layer.Input.Count && values.TryGetValue(layer.Input[i], out var t) ? t
                : throw new FixEvaluationException($"layer '{layer.Name}': input {i} is not available");
            var outputs = Evaluate(layer, In);
            if (outputs.Count != layer.Output.Count) throw new FixEvaluationException($"layer '{layer.Name}': {outputs.Count} results for {layer.Output.Count} outputs");
            for (var i = 0; i < outputs.Count; i++)
                values[layer.Output[i]] = roundToHalf ? outputs[i].Map(v => (float)(Half)v) : outputs[i];
        }
        return values;
    }

    private static IReadOnlyList<FixTensor> Evaluate(NeuralNetworkLayer l, Func<int, FixTensor> input)
    {
        switch (l.LayerCase)
        {
            case NeuralNetworkLayer.LayerOneofCase.AddBroadcastable: return [FixTensor.Zip(input(0), input(1), (a, b) => a + b)];
            case NeuralNetworkLayer.LayerOneofCase.SubtractBroadcastable: return [FixTensor.Zip(input(0), input(1), (a, b) => a - b)];
            case NeuralNetworkLayer.LayerOneofCase.MultiplyBroadcastable: return [FixTensor.Zip(input(0), input(1), (a, b) => a * b)];
            case NeuralNetworkLayer.LayerOneofCase.DivideBroadcastable: return [FixTensor.Zip(input(0), input(1), (a, b) => a / b)];
            case NeuralNetworkLayer.LayerOneofCase.MaxBroadcastable: return [FixTensor.Zip(input(0), input(1), MathF.Max)];
            case NeuralNetworkLayer.LayerOneofCase.MinBroadcastable: return [FixTensor.Zip(input(0), input(1), MathF.Min)];
            case NeuralNetworkLayer.LayerOneofCase.Add: return [Reduce(l, input, (a, b) => a + b, x => x + l.Add.Alpha)];
            case NeuralNetworkLayer.LayerOneofCase.Multiply: return [Reduce(l, input, (a, b) => a * b, x => x * l.Multiply.Alpha)];
            case NeuralNetworkLayer.LayerOneofCase.Max: return [Reduce(l, input, MathF.Max, x => x)];
            case NeuralNetworkLayer.LayerOneofCase.Min: return [Reduce(l, input, MathF.Min, x => x)];
            case NeuralNetworkLayer.LayerOneofCase.Activation when l.Activation.NonlinearityTypeCase == ActivationParams.NonlinearityTypeOneofCase.Linear:
                var lin = l.Activation.Linear;
                return [input(0).Map(x => lin.Alpha * x + lin.Beta)];
            case NeuralNetworkLayer.LayerOneofCase.Scale:
                var sc = l.Scale;
                var scaled = FixTensor.Zip(input(0), Rank3(sc.ShapeScale, Floats(sc.Scale)), (a, b) => a * b);
                return [sc.HasBias ? FixTensor.Zip(scaled, Rank3(sc.ShapeBias, Floats(sc.Bias)), (a, b) => a + b) : scaled];
            case NeuralNetworkLayer.LayerOneofCase.Bias:
                return [FixTensor.Zip(input(0), Rank3(l.Bias.Shape, Floats(l.Bias.Bias)), (a, b) => a + b)];
            case NeuralNetworkLayer.LayerOneofCase.LoadConstantND:
                return [new FixTensor(l.LoadConstantND.Shape.Select(s => (long)s).ToArray(), Floats(l.LoadConstantND.Data))];
            case NeuralNetworkLayer.LayerOneofCase.LoadConstant:
                return [new FixTensor(l.LoadConstant.Shape.Select(s => (long)s).ToArray(), Floats(l.LoadConstant.Data))];
            case NeuralNetworkLayer.LayerOneofCase.Concat:
                if (l.Concat.SequenceConcat) throw Unsupported(l, "sequenceConcat");
                return [Concat(Enumerable.Range(0, l.Input.Count).Select(input).ToList(), -3)];
            case NeuralNetworkLayer.LayerOneofCase.ConcatND:
                if (l.ConcatND.Interleave) throw Unsupported(l, "interleave");
                return [Concat(Enumerable.Range(0, l.Input.Count).Select(input).ToList(), (int)l.ConcatND.Axis)];
            case NeuralNetworkLayer.LayerOneofCase.Split:
                return Split(input(0), -3, Enumerable.Repeat(-1L, (int)Math.Max(l.Split.NOutputs, (ulong)l.Output.Count)).ToArray());
            case NeuralNetworkLayer.LayerOneofCase.SplitND:
                var sizes = l.SplitND.SplitSizes.Count > 0 ? l.SplitND.SplitSizes.Select(s => (long)s).ToArray()
                    : Enumerable.Repeat(-1L, (int)Math.Max(l.SplitND.NumSplits, (ulong)l.Output.Count)).ToArray();
                return Split(input(0), (int)l.SplitND.Axis, sizes);
            case NeuralNetworkLayer.LayerOneofCase.Convolution:
                return [FixConvolution.Run(l.Convolution, input(0))];
            default:
                throw Unsupported(l, l.LayerCase.ToString());
        }
    }

    private static FixEvaluationException Unsupported(NeuralNetworkLayer l, string what) => new($"layer '{l.Name}': {what} is not covered by the fix evaluator");

    private static FixTensor Reduce(NeuralNetworkLayer l, Func<int, FixTensor> input, Func<float, float, float> f, Func<float, float> single)
    {
        if (l.Input.Count == 1) return input(0).Map(single);
        var acc = input(0);
        for (var i = 1; i < l.Input.Count; i++) acc = FixTensor.Zip(acc, input(i), f);
        return acc;
    }

    /// <summary>A scale/bias parameter: 1-D [C] or [1] stands for [C,1,1]; 3-D as given.</summary>
    private static FixTensor Rank3(IReadOnlyList<ulong> shape, float[] data)
    {
        var s = shape.Select(v => (long)v).ToArray();
        if (s.Length == 1) s = [s[0], 1, 1];
        return new FixTensor(s, data);
    }

    public static float[] Floats(WeightParams w)
    {
        if (w.FloatValue.Count > 0) return w.FloatValue.ToArray();
        if (w.Float16Value.Length > 0)
        {
            var bytes = w.Float16Value.Span;
            var r = new float[bytes.Length / 2];
            for (var i = 0; i < r.Length; i++) r[i] = (float)BitConverter.ToHalf(bytes.Slice(2 * i, 2));
            return r;
        }
        if (w.RawValue.Length > 0 || w.Int8RawValue.Length > 0 || w.AnecompatElidedBytes > 0)
            throw new FixEvaluationException("quantized or unread weights are not covered by the fix evaluator");
        return [];
    }

    private static FixTensor Concat(IReadOnlyList<FixTensor> parts, int axis)
    {
        var rank = parts[0].Rank;
        var ax = axis < 0 ? axis + rank : axis;
        if (ax < 0 || ax >= rank || parts.Any(p => p.Rank != rank)) throw new FixEvaluationException("concat: axis or ranks do not fit");
        var shape = (long[])parts[0].Shape.Clone();
        shape[ax] = parts.Sum(p => p.Shape[ax]);
        var outer = shape.Take(ax).Aggregate(1L, (a, b) => a * b);
        var data = new List<float>();
        for (long o = 0; o < outer; o++)
            foreach (var p in parts)
            {
                var block = p.Shape.Skip(ax).Aggregate(1L, (a, b) => a * b);
                data.AddRange(p.Data.Skip((int)(o * block)).Take((int)block));
            }
        return new FixTensor(shape, data.ToArray());
    }

    private static IReadOnlyList<FixTensor> Split(FixTensor x, int axis, long[] sizes)
    {
        var ax = axis < 0 ? axis + x.Rank : axis;
        if (ax < 0 || ax >= x.Rank) throw new FixEvaluationException("split: axis out of range");
        if (sizes.All(s => s < 0))
        {
            if (x.Shape[ax] % sizes.Length != 0) throw new FixEvaluationException("split: axis does not divide evenly");
            sizes = Enumerable.Repeat(x.Shape[ax] / sizes.Length, sizes.Length).ToArray();
        }
        if (sizes.Sum() != x.Shape[ax]) throw new FixEvaluationException("split: sizes do not add up to the axis");
        var outer = x.Shape.Take(ax).Aggregate(1L, (a, b) => a * b);
        var inner = x.Shape.Skip(ax + 1).Aggregate(1L, (a, b) => a * b);
        var result = new List<FixTensor>();
        long start = 0;
        foreach (var size in sizes)
        {
            var shape = (long[])x.Shape.Clone();
            shape[ax] = size;
            var data = new float[outer * size * inner];
            for (long o = 0; o < outer; o++)
                Array.Copy(x.Data, (o * x.Shape[ax] + start) * inner, data, o * size * inner, size * inner);
            result.Add(new FixTensor(shape, data));
            start += size;
        }
        return result;
    }
}
