using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Planning;

namespace AneCompat.Registry;

/// <summary>The shape of an op kind's work estimate (op-kinds.tsv <c>cost</c> column).</summary>
public enum CostShape
{
    /// <summary>No arithmetic: data movement, constants, shape queries, control flow (its bodies count).</summary>
    NoArithmetic,
    /// <summary>Work that cannot be known from the file (custom layer code, an unrecognised op): FLOPs unknown by design.</summary>
    Opaque,
    /// <summary>factor × output elements (elementwise ops and activations).</summary>
    PerOutput,
    /// <summary>factor × input elements (reductions, global pooling, sorting).</summary>
    PerInput,
    Conv,
    ConvTranspose,
    Linear,
    Matmul,
    Pool,
    /// <summary>Recurrent layers: factor (gates) × 2 × output elements × (input width + hidden width).</summary>
    Recurrent,
    /// <summary>scaled_dot_product_attention: Q·Kᵀ, softmax and ·V from the query, key and value shapes.</summary>
    Attention,
}

/// <summary>
/// An op kind's cost formula: FLOPs from shapes and attributes only (weights are never read). Bytes read and written
/// and constant-weight bytes come with it in the planner's per-op cost. A multiply-add counts 2; factors are rough
/// per-element operation counts (transcendental activations a few each).
/// </summary>
public sealed record CostFormula(CostShape Shape, double Factor)
{
    public static readonly CostFormula NoArithmetic = new(CostShape.NoArithmetic, 0);
    public static readonly CostFormula Opaque = new(CostShape.Opaque, 0);

    /// <summary>FLOPs of one op, or null when a shape it needs is unknown (or the work is opaque).</summary>
    public long? Flops(Op op) => Shape switch
    {
        CostShape.NoArithmetic => 0,
        CostShape.Opaque => null,
        CostShape.PerOutput => Scale(OutputElements(op), Factor),
        CostShape.PerInput => Scale(InputElements(op), Factor),
        CostShape.Conv => Conv(op),
        CostShape.ConvTranspose => ConvTranspose(op),
        CostShape.Linear => Linear(op),
        CostShape.Matmul => Matmul(op),
        CostShape.Pool => Pool(op),
        CostShape.Recurrent => Recurrent(op, Factor),
        CostShape.Attention => Attention(op),
        _ => null,
    };

    /// <summary>Bytes the op reads: its runtime (non-constant) inputs, when all their sizes are known.</summary>
    public static long? BytesRead(Op op)
    {
        long total = 0;
        foreach (var a in op.AllArguments)
        {
            if (a.IsConstant) continue;
            if (a.Type.ByteSize is not long b) return null;
            total = Saturating.Add(total, b);
        }
        return total;
    }

    /// <summary>Bytes the op writes: its outputs, when all their sizes are known (null for an op without outputs).</summary>
    public static long? BytesWritten(Op op)
    {
        if (op.Outputs.Count == 0) return null;
        long total = 0;
        foreach (var o in op.Outputs)
        {
            if (o.Type.ByteSize is not long b) return null;
            total = Saturating.Add(total, b);
        }
        return total;
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
        var k = op.AttrLongs(Attr.Kernel);
        if (k is { Length: > 0 }) return Product(k);
        var w = WeightShape(op).Sizes;
        return w is { Length: >= 3 } ? Product(w[2..]) : null;
    }

    private static long? Conv(Op op)
    {
        var outElems = OutputElements(op);
        var kernel = KernelElements(op);
        var groups = Math.Max(1, op.AttrLong(Attr.Groups) ?? 1);
        long? cinPerGroup = op.AttrLong(Attr.InChannels) is long cin ? cin / groups : null;
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
        var groups = Math.Max(1, op.AttrLong(Attr.Groups) ?? 1);
        long? coutPerGroup = op.AttrLong(Attr.OutChannels) is long cout ? cout / groups : null;
        var w = WeightShape(op).Sizes;
        if (coutPerGroup is null && w is { Length: >= 3 }) coutPerGroup = w[1];
        return Mul(Mul(inElems, coutPerGroup), kernel) is long v ? Saturating.Mul(v, 2) : null;
    }

    private static long? Linear(Op op)
    {
        long? cin = op.AttrLong(Attr.InChannels);
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

    private static long? Pool(Op op)
    {
        if (op.AttrBool(Attr.Global)) return InputElements(op);
        return Mul(OutputElements(op), KernelElements(op));
    }

    private static long? Recurrent(Op op, double gates)
    {
        var input = op.AttrLong(Attr.InChannels);
        var hidden = op.AttrLong(Attr.OutChannels);
        if (input is null || hidden is null) return null;
        return Mul(OutputElements(op), Saturating.Add(input.Value, hidden.Value)) is long v ? Scale(Saturating.Mul(v, 2), gates) : null;
    }

    private static long? Attention(Op op)
    {
        // query [.., L, E], key [.., S, E]: Q·Kᵀ is L×S×E multiply-adds per batch, softmax·V the same with V's width.
        var q = (op.Arg("query") ?? op.Arg("x"))?.Type.Shape;
        var k = op.Arg("key")?.Type.Shape;
        if (q?.ElementCount is not long qElems || k is not { Rank: >= 2 } || k[-2].Size is not long s) return null;
        return Mul(Mul(qElems, s), 4);
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
