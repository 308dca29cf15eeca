using AneCompat.Schema.Mil;
using MilValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Evaluation;

/// <summary>
/// Reference interpreter of ML program (MIL) ops on float tensors, for the ops rewrites touch and the ops of small
/// models. Values are <see cref="Tensor"/>s or, for string parameters (<c>pad_type</c>, <c>dtype</c>), strings.
/// Every result is checked against the op's declared output shape and rounded to fp16 when its declared type is
/// fp16 (or always, in <see cref="Precision.Float16"/> mode). Ops it does not implement raise
/// <see cref="NotCoveredException"/>; nested blocks (cond, while_loop) are not covered.
/// </summary>
public sealed class MilEvaluator
{
    private readonly EvaluationOptions _options;
    private readonly MilConstants _constants;

    public MilEvaluator(MilConstants constants, EvaluationOptions? options = null)
    {
        _constants = constants;
        _options = options ?? EvaluationOptions.Default;
    }

    public static readonly IReadOnlySet<string> Covered = new HashSet<string>(StringComparer.Ordinal)
    {
        "const", "add", "sub", "mul", "real_div", "maximum", "minimum", "pow", "relu", "sigmoid", "tanh", "leaky_relu",
        "linear_activation", "clip", "exp", "sqrt", "abs", "silu", "linear", "matmul", "conv", "max_pool", "avg_pool",
        "softmax", "reshape", "transpose", "concat", "split", "cast", "batch_norm", "squeeze", "expand_dims", "identity",
        "reduce_sum", "reduce_mean", "reduce_max", "select",
    };

    /// <summary>Runs <paramref name="operations"/> in order, adding each output to <paramref name="values"/>.</summary>
    public void Run(IEnumerable<Operation> operations, IDictionary<string, object> values)
    {
        foreach (var op in operations)
        {
            if (op.Blocks.Count > 0) throw new NotCoveredException($"{op.Type} (nested blocks)");
            var results = Op(op, values);
            if (results.Count != op.Outputs.Count)
                throw new ArgumentException($"op {op.Type} '{NameOf(op)}' produced {results.Count} values for {op.Outputs.Count} outputs");
            for (var i = 0; i < results.Count; i++) values[op.Outputs[i].Name] = Finish(results[i], op.Outputs[i], op);
        }
    }

    public static string NameOf(Operation op) =>
        op.Attributes.TryGetValue("name", out var v) && v.ImmediateValue?.Tensor?.Strings?.Values.Count == 1
            ? v.ImmediateValue.Tensor.Strings.Values[0] : op.Outputs.FirstOrDefault()?.Name ?? op.Type;

    private object Finish(object result, NamedValueType declared, Operation op)
    {
        if (result is not Tensor t || declared.Type?.TypeCase != MilValueType.TypeOneofCase.TensorType) return result;
        var tt = declared.Type.TensorType;
        if (tt.DataType == DataType.String) return result;   // classify's label, held as its class index
        var shape = MilConstants.Shape(tt);
        if (shape is not null && !shape.SequenceEqual(t.Shape))
            throw new ArgumentException($"op {op.Type} '{NameOf(op)}' computed shape [{string.Join(", ", t.Shape)}], declared [{string.Join(", ", shape)}]");
        var type = MilConstants.TypeOf(tt.DataType);
        if (type == TensorElement.Float16 || (_options.Precision == Precision.Float16 && type == TensorElement.Float32))
            return TensorMath.RoundToHalf(t, type);
        return type == t.Type ? t : t.WithType(type);
    }

    private IReadOnlyList<object> Op(Operation op, IDictionary<string, object> values)
    {
        var what = $"{op.Type} '{NameOf(op)}'";
        object? Arg(string parameter, int index = 0)
        {
            if (!op.Inputs.TryGetValue(parameter, out var a) || a.Arguments.Count <= index) return null;
            var b = a.Arguments[index];
            return b.BindingCase == Argument.Types.Binding.BindingOneofCase.Name
                ? values.TryGetValue(b.Name, out var v) ? v : throw new ArgumentException($"{what} reads '{b.Name}', which nothing produced")
                : _constants.Read(b.Value, $"{what} {parameter}");
        }
        Tensor T(string parameter) => Arg(parameter) as Tensor ?? throw new ArgumentException($"{what}: tensor input '{parameter}' missing");
        Tensor? Opt(string parameter) => Arg(parameter) as Tensor;
        int[]? Ints(string parameter) => Opt(parameter)?.Data.Select(f => (int)f).ToArray();
        float Float(string parameter, float fallback) => Opt(parameter) is { } t ? t.Data[0] : fallback;
        bool Bool(string parameter) => Opt(parameter) is { } t && t.Data[0] != 0;
        string? Str(string parameter) => Arg(parameter) as string;
        IReadOnlyList<object> One(Tensor t) => new object[] { t };
        Tensor Map(Func<float, float> f) => TensorMath.Map(T("x"), f);
        Tensor Bin(Func<float, float, float> f) => TensorMath.Binary(T("x"), T("y"), f);

        switch (op.Type)
        {
            case "const":
                if (!op.Attributes.TryGetValue("val", out var val)) throw new ArgumentException($"{what} has no val");
                return new[] { _constants.Read(val, what) };
            case "add": return One(Bin((a, b) => a + b));
            case "sub": return One(Bin((a, b) => a - b));
            case "mul": return One(Bin((a, b) => a * b));
            case "real_div": return One(Bin((a, b) => a / b));
            case "maximum": return One(Bin(Math.Max));
            case "minimum": return One(Bin(Math.Min));
            case "pow": return One(Bin(MathF.Pow));
            case "relu": return One(Map(v => v > 0 ? v : 0));
            case "sigmoid": return One(Map(NeuralNetworkEvaluator.Sigmoid));
            case "tanh": return One(Map(MathF.Tanh));
            case "exp": return One(Map(MathF.Exp));
            case "sqrt": return One(Map(MathF.Sqrt));
            case "abs": return One(Map(MathF.Abs));
            case "silu": return One(Map(v => v * NeuralNetworkEvaluator.Sigmoid(v)));
            case "leaky_relu": { var a = Float("alpha", 0.01f); return One(Map(v => v >= 0 ? v : a * v)); }
            case "linear_activation": { var a = Float("alpha", 1); var b = Float("beta", 0); return One(Map(v => a * v + b)); }
            case "clip": { var a = Float("alpha", 0); var b = Float("beta", 1); return One(Map(v => Math.Clamp(v, a, b))); }
            case "identity": return One(T("x"));
            case "linear":
            {
                var w = T("weight");
                var y = TensorMath.MatMul(T("x"), TensorMath.SwapLast(w));
                return One(Opt("bias") is { } b ? TensorMath.Binary(y, b, (p, q) => p + q, y.Type) : y);
            }
            case "matmul": return One(TensorMath.MatMul(T("x"), T("y"), Bool("transpose_x"), Bool("transpose_y")));
            case "conv": return One(Conv(T("x"), T("weight"), Opt("bias"), Ints("strides"), Str("pad_type") ?? "valid", Ints("pad"), Ints("dilations"), (int)Float("groups", 1), what));
            case "max_pool": case "avg_pool":
                return One(Pool(op.Type == "max_pool" ? PoolKind.Max : PoolKind.Average, T("x"), Ints("kernel_sizes")!, Ints("strides"),
                    Str("pad_type") ?? "valid", Ints("pad"), Bool("ceil_mode"), Bool("exclude_padding_from_average"), what));
            case "softmax": { var x = T("x"); return One(TensorMath.Softmax(x, x.Axis((long)Float("axis", -1)))); }
            case "reshape": return One(NeuralNetworkEvaluator.ReshapeTo(T("x"), T("shape").Data.Select(f => (long)f).ToArray()));
            case "transpose": return One(TensorMath.Transpose(T("x"), Ints("perm")!));
            case "concat":
            {
                var inputs = op.Inputs["values"].Arguments.Select((_, i) => Arg("values", i) as Tensor ?? throw new ArgumentException($"{what}: value {i} is not a tensor")).ToList();
                return One(TensorMath.Concat(inputs, inputs[0].Axis((long)Float("axis", 0)), Bool("interleave")));
            }
            case "split":
            {
                var x = T("x"); var axis = x.Axis((long)Float("axis", 0));
                var sizes = Ints("split_sizes") ?? TensorMath.EqualSplits(x.Shape[axis], (int)Float("num_splits", op.Outputs.Count));
                return TensorMath.Split(x, axis, sizes).Cast<object>().ToList();
            }
            case "cast":
            {
                var x = T("x");
                return Str("dtype") switch
                {
                    "fp32" => One(x.WithType(TensorElement.Float32)),
                    "fp16" => One(TensorMath.RoundToHalf(x, TensorElement.Float16)),
                    "int32" => One(new Tensor(x.Shape, x.Data.Select(v => MathF.Truncate(v)).ToArray(), TensorElement.Int32)),
                    "bool" => One(new Tensor(x.Shape, x.Data.Select(v => v != 0 ? 1f : 0f).ToArray(), TensorElement.Bool)),
                    var other => throw new NotCoveredException($"cast to {other}"),
                };
            }
            case "batch_norm":
            {
                var x = T("x"); var c = x.Shape[1];
                Tensor PerChannel(Tensor t) => t.Reshape(new[] { c }.Concat(Enumerable.Repeat(1, x.Rank - 2)).ToArray());
                var eps = Float("epsilon", 1e-5f);
                var mean = PerChannel(T("mean")); var variance = PerChannel(T("variance"));
                var y = TensorMath.Binary(x, mean, (a, m) => a - m, x.Type);
                y = TensorMath.Binary(y, variance, (a, v) => (float)(a / Math.Sqrt(v + eps)), x.Type);
                if (Opt("gamma") is { } g) y = TensorMath.Binary(y, PerChannel(g), (a, s) => a * s, x.Type);
                if (Opt("beta") is { } b) y = TensorMath.Binary(y, PerChannel(b), (a, s) => a + s, x.Type);
                return One(y);
            }
            case "squeeze":
            {
                var x = T("x");
                var axes = Ints("axes")?.Select(a => x.Axis(a)).ToHashSet() ?? Enumerable.Range(0, x.Rank).Where(i => x.Shape[i] == 1).ToHashSet();
                return One(x.Reshape(x.Shape.Where((_, i) => !axes.Contains(i)).ToArray()));
            }
            case "expand_dims":
            {
                var x = T("x"); var given = Ints("axes")!;
                var rank = x.Rank + given.Length;
                var axes = given.Select(a => a < 0 ? a + rank : a).ToHashSet();
                var shape = new int[rank]; var k = 0;
                for (var i = 0; i < rank; i++) shape[i] = axes.Contains(i) ? 1 : x.Shape[k++];
                return One(x.Reshape(shape));
            }
            case "select":
            {
                // cond ? a : b, all three broadcast together (attention masks select −inf or a score).
                var c = T("cond"); var a = T("a"); var b = T("b");
                var shape = TensorMath.BroadcastShape(TensorMath.BroadcastShape(c.Shape, a.Shape), b.Shape);
                var ic = TensorMath.BroadcastIndex(c.Shape, shape); var ia = TensorMath.BroadcastIndex(a.Shape, shape); var ib = TensorMath.BroadcastIndex(b.Shape, shape);
                var y = new float[ic.Length];
                for (var i = 0; i < y.Length; i++) y[i] = c.Data[ic[i]] != 0 ? a.Data[ia[i]] : b.Data[ib[i]];
                return One(new Tensor(shape, y, TensorMath.Promote(a.Type, b.Type)));
            }
            case "reduce_sum": case "reduce_mean": case "reduce_max":
                return One(Reduce(op.Type, T("x"), Ints("axes"), Bool("keep_dims")));
            case "classify":
            {
                // The label stands as its class index and the label → probability dictionary as the probabilities,
                // as ModelEvaluator gives a NeuralNetwork classifier's outputs: what equivalence needs to compare.
                var p = T("probabilities");
                var best = 0;
                for (var i = 1; i < p.Count; i++) if (p.Data[i] > p.Data[best]) best = i;
                return new object[] { Tensor.Scalar(best, TensorElement.Int32), p.Reshape(new[] { p.Count }) };
            }
            default:
                throw new NotCoveredException(op.Type);
        }
    }

    private static Tensor Conv(Tensor x, Tensor w, Tensor? bias, int[]? strides, string padType, int[]? pad, int[]? dilations, int groups, string what)
    {
        var oneD = x.Rank == 3;
        if (oneD) { x = x.Reshape(new[] { x.Shape[0], x.Shape[1], 1, x.Shape[2] }); w = w.Reshape(new[] { w.Shape[0], w.Shape[1], 1, w.Shape[2] }); }
        if (x.Rank != 4 || w.Rank != 4) throw new NotCoveredException("conv (not 1-D or 2-D)");
        int kh = w.Shape[2], kw = w.Shape[3];
        int Pick(int[]? a, int i2, int fallback) => a is null ? fallback : oneD ? (i2 == 0 ? fallback : a[0]) : a[i2];
        int sh = Pick(strides, 0, 1), sw = Pick(strides, 1, 1), dh = Pick(dilations, 0, 1), dw = Pick(dilations, 1, 1);
        var padding = Padding(padType, pad, oneD, x.Shape[2], x.Shape[3], kh, kw, sh, sw, dh, dw, what);
        var y = Spatial.Conv2D(x, w.Data, bias?.Data, w.Shape[0], kh, kw, sh, sw, dh, dw, padding, groups);
        return oneD ? y.Reshape(new[] { y.Shape[0], y.Shape[1], y.Shape[3] }) : y;
    }

    private static Padding2D Padding(string padType, int[]? pad, bool oneD, int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, string what) => padType switch
    {
        "valid" => Padding2D.None,
        "same" => Padding2D.Same(h, w, kh, kw, sh, sw, dh, dw),
        "same_lower" => Padding2D.Same(h, w, kh, kw, sh, sw, dh, dw, beginHeavy: true),
        "custom" when pad is not null => oneD ? new Padding2D(0, 0, pad[0], pad[1]) : new Padding2D(pad[0], pad[1], pad[2], pad[3]),
        _ => throw new NotCoveredException($"{what}: pad_type {padType}"),
    };

    private static Tensor Pool(PoolKind kind, Tensor x, int[] kernel, int[]? strides, string padType, int[]? pad, bool ceil, bool exclude, string what)
    {
        if (x.Rank != 4 || kernel.Length != 2) throw new NotCoveredException("pooling (not 2-D)");
        int kh = kernel[0], kw = kernel[1], sh = strides?[0] ?? 1, sw = strides?[1] ?? 1, h = x.Shape[2], w = x.Shape[3];
        var p = Padding(padType, pad, false, h, w, kh, kw, sh, sw, 1, 1, what);
        int Out(int size, int lo, int hi, int k, int s)
        {
            if (padType is "same" or "same_lower") return (size + s - 1) / s;
            var span = size + lo + hi - k;
            return (ceil ? (span + s - 1) / s : span / s) + 1;
        }
        return Spatial.Pool2D(x, kind, kh, kw, sh, sw, p, Out(h, p.Top, p.Bottom, kh, sh), Out(w, p.Left, p.Right, kw, sw), exclude);
    }

    private static Tensor Reduce(string kind, Tensor x, int[]? axes, bool keepDims)
    {
        var set = (axes ?? Enumerable.Range(0, x.Rank).ToArray()).Select(a => x.Axis(a)).ToHashSet();
        var kept = x.Shape.Select((d, i) => set.Contains(i) ? 1 : d).ToArray();
        var y = Enumerable.Repeat(kind == "reduce_max" ? float.NegativeInfinity : 0f, Tensor.ElementCount(kept)).ToArray();
        var strides = Tensor.Strides(kept);
        var idx = new int[x.Rank];
        for (var n = 0; n < x.Count; n++)
        {
            var o = 0;
            for (var i = 0; i < x.Rank; i++) if (!set.Contains(i)) o += idx[i] * strides[i];
            y[o] = kind == "reduce_max" ? Math.Max(y[o], x.Data[n]) : y[o] + x.Data[n];
            for (var i = x.Rank - 1; i >= 0; i--) { if (++idx[i] < x.Shape[i]) break; idx[i] = 0; }
        }
        if (kind == "reduce_mean")
        {
            var k = x.Count / Math.Max(1, y.Length);
            for (var i = 0; i < y.Length; i++) y[i] /= k;
        }
        var shape = keepDims ? kept : x.Shape.Where((_, i) => !set.Contains(i)).ToArray();
        return new Tensor(shape, y, x.Type);
    }
}
