namespace AneCompat.Registry;

/// <summary>What part ops of a kind play, whatever device they land on.</summary>
public enum KindRole
{
    /// <summary>Real work placed on a device.</summary>
    Compute,
    /// <summary>A constant by nature (<c>const</c>, <c>constexpr_*</c>): folded at conversion or load, placement-neutral.</summary>
    FoldedConstant,
    /// <summary>Host-side work by nature (runs on the CPU outside the network).</summary>
    Host,
    /// <summary>Control flow (<c>cond</c>, <c>while_loop</c>, …): its bodies hold the work.</summary>
    ControlFlow,
}

/// <summary>What kind of work an op of this kind does, for a CPU-time estimate (op-kinds.tsv <c>work</c> column).</summary>
public enum KindWork
{
    /// <summary>Not knowable from the file (custom code, an unrecognised op).</summary>
    Unknown,
    /// <summary>No data moves (costs nothing): constants, reshapes, squeezes, expand_dims, flattens, shape queries.</summary>
    Metadata,
    /// <summary>Contiguous copies (concat, slice, pad, gather, cast …; control-flow ops count their outputs' traffic too): memory traffic only.</summary>
    Copy,
    /// <summary>Elements move to new strides (transpose, depth_to_space, batch_to_space …): a per-element cost.</summary>
    Strided,
    /// <summary>Per-element arithmetic: elementwise, activations, normalisation, softmax, reductions, pooling, recurrent layers.</summary>
    Vector,
    /// <summary>Matrix-unit work: matmul, convolution, inner product, attention.</summary>
    Matrix,
}

/// <summary>
/// One canonical op kind: the single definition every format's spelling resolves to (a NeuralNetwork
/// <c>convolution</c>, a MIL <c>conv</c>, an espresso <c>convolution</c> are all <see cref="OpKinds.Conv"/>), with
/// its role and cost formula. Instances come only from <see cref="OpRegistry"/>; compare them by reference.
/// </summary>
public sealed class OpKind
{
    internal OpKind(string name, KindRole role, CostFormula cost, KindWork work)
    {
        Name = name;
        Role = role;
        Cost = cost;
        Work = work;
    }

    /// <summary>The canonical name (MIL spelling where MIL has the op): what <see cref="Graph.Op.Kind"/> holds.</summary>
    public string Name { get; }

    public KindRole Role { get; }

    /// <summary>How to count the work of one op of this kind (or an explicit no-arithmetic / opaque marker).</summary>
    public CostFormula Cost { get; }

    /// <summary>What kind of work it is (memory-bound copy, strided move, vector or matrix arithmetic).</summary>
    public KindWork Work { get; }

    /// <summary>NeuralNetwork layer types (oneof member names) that decode to this kind.</summary>
    public IReadOnlyList<string> NeuralNetworkLayers => _nn;

    /// <summary>MIL op types (every opset) that decode to this kind.</summary>
    public IReadOnlyList<string> MilOps => _mil;

    /// <summary>Espresso layer types that decode to this kind.</summary>
    public IReadOnlyList<string> EspressoLayers => _espresso;

    internal readonly List<string> _nn = new(), _mil = new(), _espresso = new();

    public bool IsConstant => Role == KindRole.FoldedConstant;

    public override string ToString() => Name;
}
