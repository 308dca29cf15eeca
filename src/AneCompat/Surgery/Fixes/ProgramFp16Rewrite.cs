using AneCompat.Schema.Mil;
using MilValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// The edit S9 makes to one function, for a chosen set of converted ops: which fp32 values get a cast to fp16 before
/// their first converted reader, which constants are converted in place or duplicated as fp16, and which outputs of
/// converted ops are handed back to the rest of the program through a cast to fp32 under their original name.
/// <see cref="Build"/> turns it into replacements per original op index.
/// </summary>
public sealed class ProgramFp16Rewrite
{
    private readonly ProgramContext _program;
    private readonly HashSet<string> _names;

    /// <summary>fp32 value read by converted ops → name of its fp16 version (a cast, or a duplicated constant).</summary>
    private readonly Dictionary<string, string> _castIn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _duplicated = new(StringComparer.Ordinal);

    /// <summary>Output of a converted op also read outside → the converted op's new (fp16) output name.</summary>
    private readonly Dictionary<string, string> _castOut = new(StringComparer.Ordinal);

    private readonly SortedSet<int> _constantsInPlace = new();

    public ProgramFp16Rewrite(ProgramContext program, IReadOnlySet<int> converted)
    {
        _program = program;
        Converted = converted;
        _names = new HashSet<string>(program.Types.Keys, StringComparer.Ordinal);
        foreach (var i in converted)
        {
            foreach (var name in Fp32Reads(program.Ops[i]))
            {
                if (_castIn.ContainsKey(name) || _duplicated.ContainsKey(name)) continue;
                if (program.Producers.TryGetValue(name, out var p) && converted.Contains(p)) continue;
                if (program.ConstantOf(name) is not null)
                {
                    if (OnlyConvertedRead(name)) _constantsInPlace.Add(p);
                    else _duplicated[name] = Fresh(name + "_fp16");
                }
                else _castIn[name] = Fresh(name + "_to_fp16");
            }
            foreach (var o in program.Ops[i].Outputs)
            {
                if (o.Type?.TensorType?.DataType != DataType.Float32) continue;
                // A kept cast to fp16 of the value would undo the cast back: it becomes an identity on the fp16 value.
                foreach (var r in program.ReadersOf(o.Name))
                    if (!converted.Contains(r) && IsCastToFp16(program.Ops[r], o.Name)) _castsToIdentity.Add(r);
                if (!OnlyConvertedRead(o.Name)) _castOut[o.Name] = Fresh(o.Name + "_fp16");
            }
        }
    }

    /// <summary>Kept casts to fp16 of a converted op's output, which become identities.</summary>
    private readonly SortedSet<int> _castsToIdentity = new();

    private bool IsCastToFp16(Operation op, string x)
    {
        if (op.Type != "cast" || op.Blocks.Count > 0 || !op.Inputs.TryGetValue("x", out var a) || a.Arguments.Count != 1 || a.Arguments[0].Name != x) return false;
        if (!op.Inputs.TryGetValue("dtype", out var d) || d.Arguments.Count != 1) return false;
        var value = d.Arguments[0].BindingCase == Argument.Types.Binding.BindingOneofCase.Value ? d.Arguments[0].Value
            : _program.ConstantOf(d.Arguments[0].Name)?.Attributes["val"];
        return value?.ImmediateValue?.Tensor?.Strings?.Values is { Count: 1 } v && v[0] == "fp16";
    }

    public IReadOnlySet<int> Converted { get; }

    /// <summary>Casts the rewrite inserts (to fp16 at its inputs, to fp32 at its outputs).</summary>
    public int CastCount => _castIn.Count + _castOut.Count;

    /// <summary>Kept casts to fp16 that become identities on the converted value.</summary>
    public IEnumerable<int> IdentityCasts => _castsToIdentity;

    /// <summary>Constants whose fp16 version the converted ops read (converted in place or duplicated).</summary>
    public IEnumerable<int> ConvertedConstants => _constantsInPlace.Concat(_duplicated.Keys.Select(n => _program.Producers[n]));

    /// <summary>Values the converted ops read from the rest of the program (function inputs, kept ops).</summary>
    public IEnumerable<string> RegionInputs => Converted.SelectMany(i => ProgramContext.ReadNames(_program.Ops[i]))
        .Where(n => !(_program.Producers.TryGetValue(n, out var p) && (Converted.Contains(p) || _program.Ops[p].Type == "const"))).Distinct();

    /// <summary>Constants the converted ops read, converted or not (int shapes, axes …).</summary>
    public IEnumerable<int> RegionConstants => Converted.Concat(_castsToIdentity).SelectMany(i => ProgramContext.ReadNames(_program.Ops[i]))
        .Where(n => _program.ConstantOf(n) is not null).Select(n => _program.Producers[n]).Distinct().Order();

    /// <summary>Values of converted ops the rest of the program sees (under their original names, as fp32).</summary>
    public IEnumerable<string> RegionOutputs => _castOut.Keys.Concat(_castsToIdentity.SelectMany(i => _program.Ops[i].Outputs.Select(o => o.Name)));

    /// <summary>The longest chain of converted ops (how many fp16 roundings an error can pass through).</summary>
    public int LongestChain()
    {
        var depth = new Dictionary<int, int>();
        var longest = 0;
        foreach (var i in Converted)
        {
            var d = 1 + ProgramContext.ReadNames(_program.Ops[i])
                .Select(n => _program.Producers.TryGetValue(n, out var p) && depth.TryGetValue(p, out var x) ? x : 0).DefaultIfEmpty(0).Max();
            depth[i] = d;
            longest = Math.Max(longest, d);
        }
        return longest;
    }

    public string Describe(int index)
    {
        var op = _program.Ops[index];
        var back = op.Outputs.Where(o => _castOut.ContainsKey(o.Name)).Select(o => $"'{o.Name}'").ToList();
        return back.Count == 0 ? "" : $", cast back to fp32 for {string.Join(", ", back)}";
    }

    /// <summary>
    /// The replacement ops per original index. <paramref name="current"/> gives an op as it stands (an earlier
    /// rewrite may have replaced it); <paramref name="toFp16"/> turns an fp32 constant value into its fp16 value.
    /// </summary>
    public SortedDictionary<int, List<Operation>> Build(Func<int, Operation> current, Func<Value, Value> toFp16)
    {
        var edits = new SortedDictionary<int, List<Operation>>();
        List<Operation> At(int i) => edits.TryGetValue(i, out var l) ? l : edits[i] = new List<Operation>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in _constantsInPlace) At(i).Add(ConvertConstant(current(i), toFp16));
        foreach (var i in Converted)
        {
            var op = current(i);
            var before = At(i);
            foreach (var name in Fp32Reads(op))
            {
                if (!placed.Add(name)) continue;
                if (_castIn.TryGetValue(name, out var to16)) before.Add(Cast(name, to16, "fp16", _program.Types[name]));
                else if (_duplicated.TryGetValue(name, out var dup))
                {
                    var copy = ConvertConstant(current(_program.Producers[name]), toFp16);
                    copy.Outputs[0].Name = dup;
                    copy.Attributes["name"] = StringValue(dup);
                    before.Add(copy);
                }
            }
            before.Add(Retyped(op, toFp16));
            foreach (var o in op.Outputs)
                if (_castOut.TryGetValue(o.Name, out var from16))
                    before.Add(Cast(from16, o.Name, "fp32", o.Type));
        }
        foreach (var i in _castsToIdentity)
        {
            var cast = current(i);
            var x = cast.Inputs["x"].Arguments[0].Name;
            var identity = new Operation { Type = "identity" };
            identity.Inputs["x"] = new Argument { Arguments = { new Argument.Types.Binding { Name = _castOut.GetValueOrDefault(x, x) } } };
            identity.Outputs.Add(cast.Outputs);
            identity.Attributes.Add(cast.Attributes);
            At(i).Add(identity);
        }
        return edits;
    }

    private Operation Retyped(Operation original, Func<Value, Value> toFp16)
    {
        var op = original.Clone();
        foreach (var arg in op.Inputs.Values)
            for (var k = 0; k < arg.Arguments.Count; k++)
            {
                var b = arg.Arguments[k];
                if (b.BindingCase == Argument.Types.Binding.BindingOneofCase.Name)
                {
                    if (_castIn.TryGetValue(b.Name, out var n) || _duplicated.TryGetValue(b.Name, out n) || _castOut.TryGetValue(b.Name, out n))
                        b.Name = n;
                }
                else if (b.Value?.Type?.TensorType?.DataType == DataType.Float32)
                {
                    b.Value = toFp16(b.Value);
                }
            }
        foreach (var o in op.Outputs)
        {
            if (o.Type?.TensorType?.DataType != DataType.Float32) continue;
            o.Type.TensorType.DataType = DataType.Float16;
            if (_castOut.TryGetValue(o.Name, out var renamed)) o.Name = renamed;
        }
        return op;
    }

    private static Operation ConvertConstant(Operation constant, Func<Value, Value> toFp16)
    {
        var op = constant.Clone();
        op.Attributes["val"] = toFp16(constant.Attributes["val"]);
        op.Outputs[0].Type.TensorType.DataType = DataType.Float16;
        return op;
    }

    /// <summary><c>cast(x, dtype)</c> with the <c>name</c> attribute coremltools gives every op.</summary>
    private static Operation Cast(string from, string to, string dtype, MilValueType fromType)
    {
        var op = new Operation { Type = "cast" };
        op.Inputs["x"] = new Argument { Arguments = { new Argument.Types.Binding { Name = from } } };
        op.Inputs["dtype"] = new Argument { Arguments = { new Argument.Types.Binding { Value = StringValue(dtype) } } };
        var type = fromType.Clone();
        type.TensorType.DataType = dtype == "fp16" ? DataType.Float16 : DataType.Float32;
        op.Outputs.Add(new NamedValueType { Name = to, Type = type });
        op.Attributes["name"] = StringValue(to);
        return op;
    }

    private static Value StringValue(string s) => new()
    {
        Type = new MilValueType { TensorType = new TensorType { DataType = DataType.String, Rank = 0 } },
        ImmediateValue = new Value.Types.ImmediateValue { Tensor = new TensorValue { Strings = new TensorValue.Types.RepeatedStrings { Values = { s } } } },
    };

    private IEnumerable<string> Fp32Reads(Operation op) =>
        op.Inputs.Values.SelectMany(a => a.Arguments)
            .Where(b => b.BindingCase == Argument.Types.Binding.BindingOneofCase.Name && _program.DataTypeOf(b.Name) == DataType.Float32)
            .Select(b => b.Name);

    private bool OnlyConvertedRead(string name) =>
        !_program.Outputs.Contains(name) && _program.ReadersOf(name).All(r => (Converted.Contains(r) && _program.Ops[r].Blocks.Count == 0) || _castsToIdentity.Contains(r));

    private string Fresh(string name)
    {
        var candidate = name;
        for (var k = 1; !_names.Add(candidate); k++) candidate = $"{name}_{k}";
        return candidate;
    }
}
