using System.Globalization;
using AneCompat.Graph;
using AneCompat.Rules.Catalog;
using AneCompat.Targets;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Rules;

/// <summary>
/// What an op check sees: the op, where it sits (model node, function), its catalog row and canonical kind, the
/// target chip, and helpers that read a parameter whether the decoder stored it as a common attribute
/// (Graph/Attr.cs) or as a constant input (MIL passes most parameters as inputs). The engine moves one context from
/// op to op within a function: a check reads it only while its <c>Check</c> runs and keeps nothing of it afterwards.
/// </summary>
public sealed class OpContext
{
    private readonly HashSet<string> _functionInputs;
    private readonly Dictionary<object, object> _perFunction;

    internal OpContext(ModelGraph graph, ModelNode node, GraphFunction function, Op op, OpEntry? entry, ChipProfile target, RuleCatalog catalog,
        HashSet<string> functionInputs, Dictionary<object, object> perFunction)
    {
        _perFunction = perFunction;
        Graph = graph;
        Node = node;
        Function = function;
        Op = op;
        Entry = entry;
        Target = target;
        Catalog = catalog;
        _functionInputs = functionInputs;
    }

    public ModelGraph Graph { get; }
    public ModelNode Node { get; }
    public GraphFunction Function { get; }
    public Op Op { get; private set; }

    /// <summary>The op's row in the status tables, or null when the catalog has never heard of its type.</summary>
    public OpEntry? Entry { get; private set; }

    /// <summary>Points the context at the next op of the same function (what was collected for the last one is dropped).</summary>
    internal void MoveTo(Op op, OpEntry? entry)
    {
        Op = op;
        Entry = entry;
        _runtimeTensors.Clear();
        _runtimeTensorsCollected = false;
    }

    public ChipProfile Target { get; }
    public RuleCatalog Catalog { get; }

    /// <summary>Canonical kind: the catalog's for the op's source type, else what the decoder set.</summary>
    /// <summary>The op's canonical kind (the registry's: the catalog row's base kind, narrowed by the layer's parameters).</summary>
    public string Kind => Op.Kind;

    /// <summary>The registry's definition of the op's kind.</summary>
    public Registry.OpKind KindDefinition => Registry.OpRegistry.Of(Op);

    public bool IsMlProgram => Node.Family == ModelFamily.MlProgram;
    public bool IsNeuralNetwork => Node.Family == ModelFamily.NeuralNetwork;

    /// <summary>"conv 'conv_3' (conv)" — how messages name the op.</summary>
    public string Label => Op.Name is null ? $"{Op.Source}" : $"{Op.Source} '{Op.Name}'";

    /// <param name="rule">The rule's descriptor (<see cref="Descriptors"/>): its effect, confidence, sources and fix
    /// apply unless this finding overrides the effect or confidence.</param>
    public Finding Report(RuleDescriptor rule, string message, Effect? effect = null, Confidence? confidence = null) =>
        new(rule.Id, Op.Index, effect ?? rule.Effect, confidence ?? rule.Confidence, rule.Sources, message, rule.Fix) { Descriptor = rule };

    /// <summary>A finding for a rule named by data (a status-table row), resolved through the catalog.</summary>
    internal Finding Report(string ruleId, string message, Effect? effect = null, Confidence? confidence = null) =>
        Report(Catalog.Rule(ruleId), message, effect, confidence);

    /// <summary>
    /// A fact about the whole function that a check needs for each of its ops, computed once per function and
    /// evaluation (<paramref name="key"/> names the fact, usually the check itself): a scan per op would be quadratic.
    /// </summary>
    public T PerFunction<T>(object key, Func<GraphFunction, T> compute) where T : notnull
    {
        if (!_perFunction.TryGetValue(key, out var value)) _perFunction[key] = value = compute(Function);
        return (T)value;
    }

    /// <summary>True when the argument is a value fed in from outside the model (a function input).</summary>
    public bool IsModelInput(Argument a) => a.Name is not null && !a.IsConstant && _functionInputs.Contains(a.Name);

    // One list for the whole function, refilled per op: no array per op.
    private readonly List<RuntimeTensor> _runtimeTensors = new();
    private bool _runtimeTensorsCollected;

    /// <summary>
    /// Tensor types the op touches at run time: its outputs and its non-constant inputs. Several checks read them
    /// for every op, so they are collected once per op; how a message names each is only formatted when asked.
    /// Valid while the check runs (the next op refills it).
    /// </summary>
    public IReadOnlyList<RuntimeTensor> RuntimeTensors
    {
        get
        {
            if (!_runtimeTensorsCollected)
            {
                CollectRuntimeTensors();
                _runtimeTensorsCollected = true;
            }
            return _runtimeTensors;
        }
    }

    private void CollectRuntimeTensors()
    {
        foreach (var o in Op.Outputs)
            if (o.Type.Kind == ValueKind.Tensor) _runtimeTensors.Add(new RuntimeTensor(o.Name, null, null, o.Type));
        foreach (var input in Op.Inputs)
            for (var i = 0; i < input.Arguments.Count; i++)
            {
                var a = input.Arguments[i];
                if (!a.IsConstant && a.Type.Kind == ValueKind.Tensor) _runtimeTensors.Add(new RuntimeTensor(null, input.Parameter, a, a.Type));
            }
    }

    public ValueType? OutputType => Op.Outputs.Count > 0 ? Op.Outputs[0].Type : null;

    /// <summary>Type of the first argument of a parameter ("x" by default), when known.</summary>
    public ValueType? InputType(string parameter = "x") => Op.Arg(parameter)?.Type is { Kind: not ValueKind.Unknown } t ? t : null;

    /// <summary>An integer-list parameter: common attribute first, then a constant input of the same name.</summary>
    public long[]? Longs(params ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            if (Op.AttrLongs(n) is { } a) return a;
            if (Op.AttrLong(n) is { } one) return new[] { one };
            if (Op.Arg(n)?.Constant is { } c)
            {
                if (c.Ints is { } ints) return ints;
                if (c.Floats is { } fl) return fl.Select(f => (long)f).ToArray();
            }
        }
        return null;
    }

    public long? Long(params ReadOnlySpan<string> names) => Longs(names) is { Length: 1 } v ? v[0] : null;

    public double[]? Doubles(params ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            if (Op.AttrDoubles(n) is { } a) return a;
            if (Op.AttrDouble(n) is { } one) return new[] { one };
            if (Op.Arg(n)?.Constant is { } c)
            {
                if (c.Floats is { } fl) return fl;
                if (c.Ints is { } ints) return ints.Select(i => (double)i).ToArray();
            }
        }
        return null;
    }

    public string? String(params ReadOnlySpan<string> names)
    {
        foreach (var n in names)
        {
            if (Op.Attributes.TryGetValue(n, out var v) && v is string s) return s;
            if (Op.Arg(n)?.Constant?.AsString() is { } cs) return cs;
        }
        return null;
    }

    public bool Bool(string name) => Op.AttrBool(name) || Op.Arg(name)?.Constant?.AsBool() == true;

    /// <summary>True when the parameter is bound to a runtime value (not a constant, not an attribute).</summary>
    public bool IsRuntime(string parameter) => Op.Arg(parameter) is { IsConstant: false };

    public static string Shape(IEnumerable<long> sizes) => string.Join("×", sizes.Select(s => s.ToString(CultureInfo.InvariantCulture)));
}

/// <summary>A tensor an op reads or writes at run time: an output, or a non-constant input argument.</summary>
public readonly struct RuntimeTensor
{
    private readonly string? _output;
    private readonly string? _parameter;
    private readonly Argument? _argument;

    internal RuntimeTensor(string? output, string? parameter, Argument? argument, ValueType type)
    {
        _output = output;
        _parameter = parameter;
        _argument = argument;
        Type = type;
    }

    public ValueType Type { get; }

    /// <summary>How messages name it: <c>output 'y'</c> or <c>input x 'a'</c>.</summary>
    public string Role => _parameter is null ? $"output '{_output}'" : $"input {_parameter} '{_argument}'";

    public void Deconstruct(out string role, out ValueType type)
    {
        role = Role;
        type = Type;
    }
}
