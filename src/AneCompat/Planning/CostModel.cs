using AneCompat.Graph;

namespace AneCompat.Planning;

/// <summary>
/// Estimates FLOPs per op from its kind, shapes and attributes (ane-rules.md COST-MIN-WORK needs an amount of work).
/// The formulas are a per-kind table; a kind not in the table, or a needed shape that is unknown, gives unknown FLOPs
/// rather than a guess.
/// </summary>
public static class CostModel
{
    private enum Formula
    {
        /// <summary>No arithmetic: data movement, constants, shape queries.</summary>
        None,
        /// <summary>factor × output elements (elementwise ops and activations).</summary>
        PerOutput,
        /// <summary>factor × input elements (reductions, global pooling).</summary>
        PerInput,
        Conv,
        ConvTranspose,
        Linear,
        Matmul,
        Pool,
        /// <summary>scaled_dot_product_attention: Q·Kᵀ, softmax, ·V from the query, key and value shapes.</summary>
        Attention,
    }

    /// <summary>What kind of work an op does, for the placement cost model's CPU-time estimate.</summary>
    public enum WorkClass
    {
        /// <summary>The kind is not modelled: its cost is unknown.</summary>
        Unknown,
        /// <summary>No data moves: constants, reshapes, shape queries, casts folded into neighbours.</summary>
        Metadata,
        /// <summary>Contiguous copies (concat, slice, pad, gather, cast …): memory traffic only.</summary>
        Copy,
        /// <summary>Elements move to new strides (transpose, permute, depth_to_space …).</summary>
        Strided,
        /// <summary>Per-element arithmetic: elementwise, activations, normalisation, softmax, reductions, pooling.</summary>
        Vector,
        /// <summary>Matrix-unit work: matmul, convolution, inner product, attention.</summary>
        Matrix,
    }

    // Kinds are matched after lower-casing and dropping '_' so MIL, NeuralNetwork and espresso spellings meet
    // (conv_transpose / deconvolution, inner_product / innerProduct / linear …). Factors are rough per-element
    // operation counts; transcendental activations count a few operations each.
    private static readonly Dictionary<string, (Formula Formula, double Factor)> Table = Build(new (Formula, double, string[])[]
    {
        (Formula.Conv, 2, new[] { "conv", "convolution", "conv2d", "conv3d", "convolution3d" }),
        (Formula.ConvTranspose, 2, new[] { "convtranspose", "deconvolution", "deconv" }),
        (Formula.Linear, 2, new[] { "linear", "innerproduct", "fullyconnected" }),
        (Formula.Matmul, 2, new[] { "matmul", "batchedmatmul", "einsum" }),
        (Formula.Attention, 2, new[] { "scaleddotproductattention" }),
        (Formula.Pool, 1, new[] { "pooling", "pool", "maxpool", "avgpool", "l2pool", "pooling3d" }),
        (Formula.PerInput, 1, new[] { "globalpooling", "globalavgpool", "globalmaxpool", "reducesum", "reducemean", "reducemax", "reducemin", "reduceprod",
            "reducel1norm", "reducel2norm", "reducelogsum", "reducelogsumexp", "reducesumsquare", "reduceargmax", "reduceargmin", "reduce", "argmax", "argmin" }),
        (Formula.PerOutput, 1, new[] { "add", "sub", "subtract", "mul", "multiply", "realdiv", "div", "floordiv", "mod", "maximum", "minimum", "max", "min",
            "relu", "relu6", "leakyrelu", "prelu", "clip", "clamp", "clampedrelu", "threshold", "thresholdedrelu", "linearactivation", "scale", "bias",
            "abs", "neg", "negate", "sign", "square", "inverse", "floor", "ceil", "round", "equal", "notequal", "less", "lessequal", "greater",
            "greaterequal", "logicaland", "logicalor", "logicalxor", "logicalnot", "select", "where", "addbroadcastable", "subtractbroadcastable",
            "multiplybroadcastable", "dividebroadcastable", "maxbroadcastable", "minbroadcastable", "hardsigmoid", "sigmoidhard", "scaledtanh",
            "unary", "activation", "elementwise", "biasadd" }),
        (Formula.PerOutput, 4, new[] { "sigmoid", "tanh", "exp", "exp2", "log", "sqrt", "rsqrt", "pow", "erf", "gelu", "silu", "swish", "elu", "selu",
            "softplus", "softsign", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "atanh", "mish", "softplusparametric", "sigmoidparametric" }),
        (Formula.PerOutput, 2, new[] { "batchnorm", "batchnormalization" }),
        (Formula.PerOutput, 5, new[] { "softmax", "softmaxnd", "logsoftmax", "instancenorm", "layernorm", "l2norm", "l2normalize", "mvn",
            "localresponsenorm", "lrn", "groupnorm", "rmsnorm" }),
        (Formula.PerOutput, 4, new[] { "upsample", "upsamplebilinear", "resizebilinear", "resize", "cropresize", "resample", "upsamplenearestneighbor", "resizenearestneighbor" }),
        (Formula.None, 0, new[] { "const", "loadconstant", "loadconstantnd", "reshape", "reshapestatic", "reshapedynamic", "reshapelike", "flatten",
            "flattento2d", "transpose", "permute", "squeeze", "expanddims", "concat", "concatnd", "split", "splitnd", "slice", "slicestatic", "slicedynamic",
            "slicebyindex", "slicebysize", "gather", "gathernd", "gatheralongaxis", "scatter", "scatternd", "scatteralongaxis", "pad", "padding",
            "constantpad", "tile", "identity", "copy", "cast", "shape", "getshape", "stack", "fill", "filllike", "filldynamic", "fillstatic",
            "crop", "reorganizedata", "spacetodepth", "depthtospace", "pixelshuffle", "pixelunshuffle", "reverse", "reverseseq", "reversesequence",
            "broadcastto", "broadcasttolike", "broadcasttostatic", "broadcasttodynamic", "embedding", "embeddingnd", "readstate", "writestate",
            "sequencerepeat", "slidingwindows", "bandpart" }),
    });

    private static Dictionary<string, (Formula, double)> Build((Formula F, double Factor, string[] Kinds)[] rows)
    {
        var d = new Dictionary<string, (Formula, double)>(StringComparer.Ordinal);
        foreach (var (f, factor, kinds) in rows)
            foreach (var k in kinds) d[k] = (f, factor);
        return d;
    }

    // Layout ops that move elements to new strides, and ops that are pure metadata, among the Formula.None kinds.
    private static readonly HashSet<string> StridedKinds = new(StringComparer.Ordinal)
    {
        "transpose", "permute", "reorganizedata", "spacetodepth", "depthtospace", "pixelshuffle", "pixelunshuffle", "reverse",
        "reverseseq", "reversesequence", "slidingwindows",
    };

    private static readonly HashSet<string> MetadataKinds = new(StringComparer.Ordinal)
    {
        "const", "loadconstant", "loadconstantnd", "reshape", "reshapestatic", "reshapedynamic", "reshapelike", "flatten",
        "flattento2d", "squeeze", "expanddims", "identity", "shape", "getshape",
    };

    /// <summary>The work class of an op's kind (see <see cref="WorkClass"/>).</summary>
    public static WorkClass Classify(Op op)
    {
        var kind = Normalize(op.Kind);
        if (kind.StartsWith("constexpr", StringComparison.Ordinal)) return WorkClass.Metadata;
        if (!Table.TryGetValue(kind, out var entry)) return WorkClass.Unknown;
        return entry.Formula switch
        {
            Formula.None when MetadataKinds.Contains(kind) => WorkClass.Metadata,
            Formula.None when StridedKinds.Contains(kind) => WorkClass.Strided,
            Formula.None => WorkClass.Copy,
            Formula.Conv or Formula.ConvTranspose or Formula.Linear or Formula.Matmul or Formula.Attention => WorkClass.Matrix,
            _ => WorkClass.Vector,
        };
    }

    private static string Normalize(string kind) => kind.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    public static OpCost Estimate(Op op)
    {
        long? act = 0;
        foreach (var o in op.Outputs)
        {
            var b = o.Type.ByteSize;
            act = act is null || b is null ? null : Saturating.Add(act.Value, b.Value);
        }
        if (op.Outputs.Count == 0) act = null;
        return new OpCost(Flops(op), op.WeightBytes, act);
    }

    /// <summary>FLOPs of one op, or null when not known.</summary>
    public static long? Flops(Op op)
    {
        var kind = Normalize(op.Kind);
        if (kind.StartsWith("constexpr", StringComparison.Ordinal)) return 0;
        if (!Table.TryGetValue(kind, out var entry)) return null;
        var (formula, factor) = entry;
        return formula switch
        {
            Formula.None => 0,
            Formula.PerOutput => Scale(OutputElements(op), factor),
            Formula.PerInput => Scale(InputElements(op), factor),
            Formula.Conv => Conv(op),
            Formula.ConvTranspose => ConvTranspose(op),
            Formula.Linear => Linear(op),
            Formula.Matmul => Matmul(op),
            Formula.Pool => Pool(op),
            Formula.Attention => Attention(op),
            _ => null,
        };
    }

    private static long? OutputElements(Op op) => op.Outputs.Count == 0 ? null : op.Outputs[0].Type.Shape.ElementCount;

    /// <summary>Elements of the main input: the <c>x</c> parameter when named so, else the first runtime argument.</summary>
    private static TensorShape InputShape(Op op)
    {
        var x = op.Arg("x") ?? op.Arg("input") ?? op.AllArguments.FirstOrDefault(a => !a.IsConstant);
        return x?.Type.Shape ?? TensorShape.Unknown;
    }

    private static long? InputElements(Op op) => InputShape(op).ElementCount;

    private static TensorShape WeightShape(Op op) =>
        (op.Arg("weight") ?? op.Arg("weights") ?? op.Arg("W"))?.Type.Shape ?? TensorShape.Unknown;

    /// <summary>Kernel extent: the attribute, else the weight's spatial axes (weights are [Cout, Cin/groups, k…]).</summary>
    private static long? KernelElements(Op op)
    {
        var k = op.AttrLongs(Graph.Attr.Kernel);
        if (k is { Length: > 0 }) return Product(k);
        var w = WeightShape(op).Sizes;
        return w is { Length: >= 3 } ? Product(w[2..]) : null;
    }

    private static long? Conv(Op op)
    {
        var outElems = OutputElements(op);
        var kernel = KernelElements(op);
        var groups = Math.Max(1, op.AttrLong(Graph.Attr.Groups) ?? 1);
        long? cinPerGroup = op.AttrLong(Graph.Attr.InChannels) is long cin ? cin / groups : null;
        var w = WeightShape(op).Sizes;
        if (cinPerGroup is null && w is { Length: >= 3 }) cinPerGroup = w[1];
        var input = InputShape(op);
        if (cinPerGroup is null && input.Rank >= 3)
        {
            // Channels sit at axis 1 (MIL NCHW) or at axis 2 of NeuralNetwork's rank-5 [S, B, C, H, W].
            var c = input.Rank == 5 ? input[2].Size : input[1].Size;
            cinPerGroup = c / groups;
        }
        return Mul(Mul(outElems, cinPerGroup), kernel) is long v ? Saturating.Mul(v, 2) : null;
    }

    private static long? ConvTranspose(Op op)
    {
        var inElems = InputElements(op);
        var kernel = KernelElements(op);
        var groups = Math.Max(1, op.AttrLong(Graph.Attr.Groups) ?? 1);
        long? coutPerGroup = op.AttrLong(Graph.Attr.OutChannels) is long cout ? cout / groups : null;
        var w = WeightShape(op).Sizes;
        if (coutPerGroup is null && w is { Length: >= 3 }) coutPerGroup = w[1];
        return Mul(Mul(inElems, coutPerGroup), kernel) is long v ? Saturating.Mul(v, 2) : null;
    }

    private static long? Linear(Op op)
    {
        long? cin = op.AttrLong(Graph.Attr.InChannels);
        var w = WeightShape(op).Sizes;
        if (cin is null && w is { Length: 2 }) cin = w[1];
        if (cin is null) cin = InputShape(op) is { Rank: > 0 } s ? s[-1].Size : null;
        return Mul(OutputElements(op), cin) is long v ? Saturating.Mul(v, 2) : null;
    }

    private static long? Matmul(Op op)
    {
        var x = InputShape(op);
        if (x.Rank is not > 0) return null;
        var transposeX = op.Arg("transpose_x")?.Constant?.AsBool() ?? false;
        var k = transposeX && x.Rank >= 2 ? x[-2].Size : x[-1].Size;
        return Mul(OutputElements(op), k) is long v ? Saturating.Mul(v, 2) : null;
    }

    /// <summary>
    /// scaled_dot_product_attention, query [..., L, E], key [..., S, E], value [..., S, Ev]: 2·L·S·E for Q·Kᵀ,
    /// 2·L·S·Ev for the product with V, and 5 per score for the scale, mask and softmax, times the batch.
    /// </summary>
    private static long? Attention(Op op)
    {
        var q = op.Arg("query")?.Type.Shape ?? TensorShape.Unknown;
        var k = op.Arg("key")?.Type.Shape ?? TensorShape.Unknown;
        var v = op.Arg("value")?.Type.Shape ?? TensorShape.Unknown;
        if (q.Sizes is not { Length: >= 2 } qs || k.Sizes is not { Length: >= 2 } ks || v.Sizes is not { Length: >= 2 } vs) return null;
        var batch = Product(qs[..^2]);
        long l = qs[^2], e = qs[^1], s = ks[^2], ev = vs[^1];
        if (l < 0 || e < 0 || s < 0 || ev < 0) return null;
        var scores = Mul(Mul(batch, l), s);
        var perScore = Saturating.Add(Saturating.Add(Saturating.Mul(2, e), Saturating.Mul(2, ev)), 5);
        return Mul(scores, perScore);
    }

    private static long? Pool(Op op)
    {
        if (op.AttrBool(Graph.Attr.Global)) return InputElements(op);
        return Mul(OutputElements(op), KernelElements(op));
    }

    private static long? Product(IEnumerable<long> values)
    {
        long p = 1;
        foreach (var v in values)
        {
            if (v < 0) return null;
            p = Saturating.Mul(p, v);
        }
        return p;
    }

    private static long? Mul(long? a, long? b) => a is null || b is null || a < 0 || b < 0 ? null : Saturating.Mul(a.Value, b.Value);

    private static long? Scale(long? n, double factor) => n is null ? null : (long)Math.Min(long.MaxValue / 2, n.Value * factor);
}

/// <summary>Saturating arithmetic for sizes from untrusted files: never overflows, caps at long.MaxValue.</summary>
internal static class Saturating
{
    public static long Mul(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
    public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
