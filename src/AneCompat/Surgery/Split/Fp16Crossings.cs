using AneCompat.Schema.Mil;
using MilValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Surgery.Split;

/// <summary>
/// Carries an fp16 value across a cut in a model older than spec 7, where a model feature cannot be FLOAT16, the
/// way coremltools' <c>bisect_model</c> does: the writing program casts it to fp32 and the cast takes the value's
/// name (so the feature keeps the original name), the reading program takes the fp32 feature and casts it back.
/// fp16 → fp32 → fp16 is exact, so the chain still computes bit for bit what the original did. Inside both
/// programs the fp16 value itself is renamed <c>{name}_fp16</c> (made unique), every read of it included.
/// </summary>
internal sealed class Fp16Crossings
{
    private readonly Dictionary<string, string> _inner = new(StringComparer.Ordinal);

    /// <summary>The crossing values that need the cast pair: fp16 tensors crossing a cut below spec 7.</summary>
    public Fp16Crossings(IEnumerable<string> crossing, IReadOnlyDictionary<string, MilValueType> types, int specVersion)
    {
        if (specVersion >= 7) return;
        foreach (var name in crossing)
        {
            if (_inner.ContainsKey(name) || types[name].TensorType?.DataType != DataType.Float16) continue;
            var inner = $"{name}_fp16";
            while (types.ContainsKey(inner) || _inner.ContainsValue(inner)) inner += "_";
            _inner[name] = inner;
        }
    }

    public bool Carries(string name) => _inner.ContainsKey(name);

    /// <summary>The feature's MIL type: fp32 for a carried value, else its own.</summary>
    public MilValueType FeatureType(string name, MilValueType type)
    {
        if (!Carries(name)) return type;
        var widened = type.Clone();
        widened.TensorType.DataType = DataType.Float32;
        return widened;
    }

    /// <summary>In the program that writes <paramref name="name"/>: the producer writes <c>{name}_fp16</c>, every
    /// read follows, and a cast to fp32 appended at the end produces <paramref name="name"/>.</summary>
    public void Write(List<Operation> operations, string name, MilValueType type)
    {
        var inner = _inner[name];
        foreach (var op in operations)
        {
            Rename(op, name, inner);
            foreach (var o in op.Outputs) if (o.Name == name) o.Name = inner;
        }
        operations.Add(Cast(inner, name, "fp32", FeatureType(name, type)));
    }

    /// <summary>In a program that reads <paramref name="name"/>: a cast back to fp16 at the start produces
    /// <c>{name}_fp16</c>, which every read then uses.</summary>
    public void Read(List<Operation> operations, string name, MilValueType type)
    {
        var inner = _inner[name];
        foreach (var op in operations) Rename(op, name, inner);
        operations.Insert(0, Cast(name, inner, "fp16", type.Clone()));
    }

    /// <summary>Points every read of <paramref name="from"/> in the op (nested blocks included) at <paramref name="to"/>.</summary>
    private static void Rename(Operation op, string from, string to)
    {
        foreach (var argument in op.Inputs.Values)
            foreach (var binding in argument.Arguments)
                if (binding.BindingCase == Argument.Types.Binding.BindingOneofCase.Name && binding.Name == from) binding.Name = to;
        foreach (var block in op.Blocks)
        {
            // A block input of the same name shadows the outer value inside that block.
            if (block.Inputs.Any(i => i.Name == from)) continue;
            foreach (var inner in block.Operations) Rename(inner, from, to);
            for (var i = 0; i < block.Outputs.Count; i++) if (block.Outputs[i] == from) block.Outputs[i] = to;
        }
    }

    private static Operation Cast(string input, string output, string dtype, MilValueType outputType)
    {
        var op = new Operation { Type = "cast" };
        op.Inputs.Add("x", new Argument { Arguments = { new Argument.Types.Binding { Name = input } } });
        op.Inputs.Add("dtype", new Argument { Arguments = { new Argument.Types.Binding { Value = StringValue(dtype) } } });
        op.Attributes.Add("name", StringValue(output));
        op.Outputs.Add(new NamedValueType { Name = output, Type = outputType });
        return op;
    }

    private static Value StringValue(string s)
    {
        var strings = new TensorValue.Types.RepeatedStrings();
        strings.Values.Add(s);
        return new Value
        {
            Type = new MilValueType { TensorType = new TensorType { DataType = DataType.String, Rank = 0 } },
            ImmediateValue = new Value.Types.ImmediateValue { Tensor = new TensorValue { Strings = strings } },
        };
    }
}
