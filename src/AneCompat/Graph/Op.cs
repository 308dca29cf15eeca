namespace AneCompat.Graph;

/// <summary>One value bound to an op parameter: a reference to a named value, or an inline constant.</summary>
public sealed class Argument
{
    /// <summary>Name of the referenced value; null for an inline literal.</summary>
    public string? Name { get; init; }

    /// <summary>The literal, or the value of the const op that produces <see cref="Name"/> when the decoder resolved it.</summary>
    public ConstantValue? Constant { get; set; }

    public ValueType Type { get; set; } = ValueType.Unknown;

    public bool IsConstant => Constant is not null;

    public override string ToString() => Name ?? Constant?.ToString() ?? "?";
}

/// <summary>A named op parameter with its (possibly variadic) arguments.</summary>
public sealed record OpInput(string Parameter, IReadOnlyList<Argument> Arguments);

/// <summary>
/// One operation of the graph in a format-neutral form. <see cref="Kind"/> is the canonical kind rules key on
/// (a NeuralNetwork <c>convolution</c>, a MIL <c>conv</c> and an espresso <c>convolution</c> are all
/// <c>conv</c>); <see cref="Source"/> is the type name exactly as the file spells it.
/// </summary>
public sealed class Op
{
    /// <summary>Position in execution order over the whole graph (nested blocks follow their parent op).</summary>
    public int Index { get; set; }

    public required string Kind { get; set; }
    public required string Source { get; init; }

    /// <summary>The op's own name (NN layer name, MIL <c>name</c> attribute, espresso layer name).</summary>
    public string? Name { get; init; }

    /// <summary>Qualified function path: <c>main</c>, or <c>models[1]/main</c> inside a pipeline.</summary>
    public string Function { get; set; } = "main";

    /// <summary>Where the op came from in its file (member, function, block path, index, name as written).</summary>
    public OpOrigin Origin { get; set; } = OpOrigin.Unknown;

    /// <summary>Opset of the enclosing function for ML programs (e.g. <c>CoreML5</c>, <c>ios16</c>).</summary>
    public string? Opset { get; init; }

    public List<OpInput> Inputs { get; } = new();
    public List<GraphValue> Outputs { get; } = new();

    /// <summary>Attributes under common names (see <see cref="Attr"/>): long, double, bool, string, long[], double[], string[].</summary>
    public Dictionary<string, object> Attributes { get; } = new(StringComparer.Ordinal);

    /// <summary>Nested blocks (MIL cond/while_loop, NN branch/loop bodies).</summary>
    public List<Block> Blocks { get; } = new();

    /// <summary>1-based line of the op's statement in a text model file (model.mil); null for binary formats. SARIF regions point there.</summary>
    public int? SourceLine { get; init; }

    /// <summary>Bytes of weights this op carries or references (never read, only counted).</summary>
    public long WeightBytes { get; set; }

    public OpInput? Input(string parameter)
    {
        // A loop, not LINQ: checks ask this for every op, and a capturing lambda allocates per call.
        foreach (var input in Inputs)
            if (input.Parameter == parameter) return input;
        return null;
    }

    public Argument? Arg(string parameter) => Input(parameter) is { Arguments: { Count: > 0 } arguments } ? arguments[0] : null;

    public T? Attr<T>(string name) => Attributes.TryGetValue(name, out var v) && v is T t ? t : default;
    public long? AttrLong(string name) => Attributes.TryGetValue(name, out var v) ? v switch { long l => l, int i => i, double d => (long)d, _ => null } : null;
    public double? AttrDouble(string name) => Attributes.TryGetValue(name, out var v) ? v switch { double d => d, long l => l, float f => f, _ => null } : null;
    public bool AttrBool(string name) => Attributes.TryGetValue(name, out var v) && v is true;
    public long[]? AttrLongs(string name) => Attributes.TryGetValue(name, out var v) ? v as long[] : null;
    public double[]? AttrDoubles(string name) => Attributes.TryGetValue(name, out var v) ? v switch { double[] d => d, long[] l => l.Select(x => (double)x).ToArray(), _ => null } : null;

    /// <summary>All argument references, flattened, for dataflow (enumerated without allocating).</summary>
    public OpArguments AllArguments => new(Inputs);

    public override string ToString() => $"#{Index} {Kind} ({Source}) {Name}";
}

/// <summary>
/// Every argument of an op's inputs in order: a struct enumerable, so the dataflow passes that walk it for every op
/// (decoders, planner, report) allocate nothing; LINQ still works on it as an <see cref="IEnumerable{T}"/>.
/// </summary>
public readonly struct OpArguments(List<OpInput> inputs) : IEnumerable<Argument>
{
    public Enumerator GetEnumerator() => new(inputs);
    IEnumerator<Argument> IEnumerable<Argument>.GetEnumerator() => GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(List<OpInput> inputs) : IEnumerator<Argument>
    {
        private int _input;
        private int _argument = -1;

        public Argument Current { get; private set; } = null!;
        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            while (_input < inputs.Count)
            {
                var arguments = inputs[_input].Arguments;
                if (++_argument < arguments.Count)
                {
                    Current = arguments[_argument];
                    return true;
                }
                _input++;
                _argument = -1;
            }
            return false;
        }

        public void Reset()
        {
            _input = 0;
            _argument = -1;
        }

        public void Dispose() { }
    }
}

/// <summary>An ordered list of ops with its inputs and outputs (a function body or a nested block).</summary>
public sealed class Block
{
    public List<GraphValue> Inputs { get; } = new();
    public List<Op> Ops { get; } = new();
    public List<string> Outputs { get; } = new();

    /// <summary>Ops of this block in execution order, each nested block right after its parent op.</summary>
    public IEnumerable<Op> AllOps()
    {
        foreach (var op in Ops)
        {
            yield return op;
            foreach (var b in op.Blocks)
                foreach (var inner in b.AllOps())
                    yield return inner;
        }
    }
}

/// <summary>A callable function of a model. NeuralNetwork and espresso models have one, called <c>main</c>.</summary>
public sealed class GraphFunction
{
    public required string Name { get; init; }
    public string? Opset { get; init; }
    public List<GraphValue> Inputs { get; } = new();
    public Block Body { get; } = new();
    public List<string> Outputs => Body.Outputs;
}
