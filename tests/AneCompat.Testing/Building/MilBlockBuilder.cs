using AneCompat.Schema.Mil;
using ValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Building;

/// <summary>
/// Appends operations to one MIL block (a function body or a nested block of <c>cond</c>/<c>while_loop</c>).
/// Each op gets the <c>name</c> attribute coremltools writes (by default its first output's name).
/// </summary>
public class MilBlockBuilder
{
    /// <summary>Where consts too large to inline go; the file name every blob reference uses.</summary>
    public const string WeightFileName = "@model_path/weights/weight.bin";

    private readonly MilBlobStorage _blobs;
    private readonly Dictionary<string, ValueType> _types;

    internal MilBlockBuilder(MilBlobStorage blobs, Dictionary<string, ValueType> types)
    {
        _blobs = blobs;
        _types = types;
    }

    internal Block Block { get; } = new();

    /// <summary>Declares an input of this (nested) block, e.g. a loop-carried variable of a while_loop body.</summary>
    public MilBlockBuilder BlockInput(string name, ValueType type)
    {
        Block.Inputs.Add(new NamedValueType { Name = name, Type = type });
        _types[name] = type;
        return this;
    }

    /// <summary>
    /// An operation of <paramref name="type"/> (without opset, e.g. <c>conv</c>) with named inputs and typed outputs;
    /// <paramref name="blocks"/> fill its nested blocks in order (then/else of <c>cond</c>, cond/body of <c>while_loop</c>).
    /// </summary>
    public MilBlockBuilder Op(string type, MilInputs inputs, (string Name, ValueType Type)[] outputs,
        string? opName = null, IReadOnlyDictionary<string, Value>? attributes = null, params Action<MilBlockBuilder>[] blocks)
    {
        var op = new Operation { Type = type };
        foreach (var (parameter, arg) in inputs) op.Inputs.Add(parameter, arg.Argument.Clone());
        foreach (var (name, valueType) in outputs)
        {
            op.Outputs.Add(new NamedValueType { Name = name, Type = valueType });
            _types[name] = valueType;
        }
        op.Attributes.Add("name", MilValues.String(opName ?? (outputs.Length > 0 ? outputs[0].Name : type)));
        if (attributes is not null)
            foreach (var (key, value) in attributes) op.Attributes.Add(key, value);
        foreach (var fill in blocks)
        {
            var nested = new MilBlockBuilder(_blobs, _types);
            fill(nested);
            op.Blocks.Add(nested.Block);
        }
        Block.Operations.Add(op);
        return this;
    }

    /// <summary>An op with a single output.</summary>
    public MilBlockBuilder Op(string type, MilInputs inputs, string output, ValueType outputType) =>
        Op(type, inputs, [(output, outputType)]);

    /// <summary>A <c>const</c> op with its value inline (<c>attributes.val</c>).</summary>
    public MilBlockBuilder Const(string name, Value value)
    {
        var op = new Operation { Type = "const" };
        op.Outputs.Add(new NamedValueType { Name = name, Type = value.Type });
        op.Attributes.Add("name", MilValues.String(name));
        op.Attributes.Add("val", value);
        _types[name] = value.Type;
        Block.Operations.Add(op);
        return this;
    }

    /// <summary>
    /// A <c>const</c> op whose payload is stored in the weight file. Without <paramref name="data"/> the payload is
    /// filled deterministically from the name.
    /// </summary>
    public MilBlockBuilder ConstBlob(string name, DataType dataType, long[] shape, byte[]? data = null)
    {
        var count = WeightFill.Count(shape);
        data ??= DeterministicPayload(dataType, count, name);
        var offset = _blobs.Add(dataType, data, count);
        return Const(name, MilValues.Blob(MilTypes.Tensor(dataType, shape), WeightFileName, offset));
    }

    /// <summary>Names the block's outputs (variables defined in it or visible from outside).</summary>
    public MilBlockBuilder Output(params string[] names)
    {
        Block.Outputs.AddRange(names);
        return this;
    }

    internal bool TryGetType(string name, out ValueType type) => _types.TryGetValue(name, out type!);

    internal void RegisterType(string name, ValueType type) => _types[name] = type;

    private static byte[] DeterministicPayload(DataType dataType, long count, string name)
    {
        switch (dataType)
        {
            case DataType.Float32: return WeightFill.ToFloat32Bytes(WeightFill.Values(count, WeightFill.Seed(name)));
            case DataType.Float16: return WeightFill.ToFloat16Bytes(WeightFill.Values(count, WeightFill.Seed(name)));
            default:
            {
                var bytes = new byte[checked((count * MilTypes.BitWidth(dataType) + 7) / 8)];
                var state = WeightFill.Seed(name);
                for (var i = 0; i < bytes.Length; i++)
                {
                    state = state * 6364136223846793005UL + 1442695040888963407UL;
                    bytes[i] = (byte)(state >> 56);
                }
                var unused = bytes.Length * 8 - count * MilTypes.BitWidth(dataType);
                if (bytes.Length > 0 && unused > 0) bytes[^1] &= (byte)(0xFF >> (int)unused);
                return bytes;
            }
        }
    }
}

/// <summary>
/// One function of an ML program: typed inputs (and states), the body block, its opset. How its inputs and
/// outputs appear in the model description is derived from the MIL types unless set with <see cref="Describe"/>.
/// </summary>
public sealed class MilFunctionBuilder : MilBlockBuilder
{
    internal MilFunctionBuilder(string name, MilBlobStorage blobs) : base(blobs, new Dictionary<string, ValueType>(StringComparer.Ordinal))
    {
        Name = name;
    }

    public string Name { get; }
    internal Function Function { get; } = new();
    internal string? OpsetOverride { get; private set; }
    internal Dictionary<string, Schema.FeatureType> Descriptions { get; } = new(StringComparer.Ordinal);
    internal List<string> StateNames { get; } = new();

    /// <summary>A function input; dimensions of -1 are unknown.</summary>
    public MilFunctionBuilder Input(string name, ValueType type)
    {
        Function.Inputs.Add(new NamedValueType { Name = name, Type = type });
        RegisterType(name, type);
        return this;
    }

    /// <summary>A state input (spec ≥ 9): a tensor kept between predictions, read with read_state, written with coreml_update_state.</summary>
    public MilFunctionBuilder State(string name, ValueType tensorType)
    {
        StateNames.Add(name);
        return Input(name, MilTypes.State(tensorType));
    }

    /// <summary>Uses <paramref name="opset"/> (e.g. "CoreML7") instead of the one that matches the spec version.</summary>
    public MilFunctionBuilder Opset(string opset)
    {
        OpsetOverride = opset;
        return this;
    }

    /// <summary>Describes an input or output in the model description explicitly (e.g. as an image).</summary>
    public MilFunctionBuilder Describe(string name, Schema.FeatureType type)
    {
        Descriptions[name] = type;
        return this;
    }
}
