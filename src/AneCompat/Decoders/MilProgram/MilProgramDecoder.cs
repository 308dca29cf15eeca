using AneCompat.Decoders.Blobs;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using Mil = AneCompat.Schema.Mil;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Decoders.MilProgram;

/// <summary>
/// Decodes the protobuf form of an ML program (<c>Model.mlProgram</c>) into graph functions: the active block of
/// each function, its ops with nested blocks, typed outputs, resolved constants and weight references.
/// </summary>
public static class MilProgramDecoder
{
    /// <param name="program">The parsed program.</param>
    /// <param name="blobs">Resolves <c>BLOBFILE</c> references against the folder <c>@model_path</c> stands for.</param>
    /// <param name="warnings">Where recoverable problems go.</param>
    /// <param name="functionPrefix">Prefix for <see cref="Op.Function"/> (pipeline member path + "/", or "").</param>
    /// <param name="sourcePath">The file the program came from, for error messages.</param>
    public static List<GraphFunction> Decode(Mil.Program program, MilBlobReader blobs, List<ReadWarning> warnings,
        string functionPrefix, string? sourcePath = null)
    {
        var context = new Context(blobs, sourcePath ?? "ML program");
        if (program.Functions.Count > Limits.MaxFunctions)
            throw context.Error($"the program has {program.Functions.Count} functions, over the limit of {Limits.MaxFunctions}");
        var result = new List<GraphFunction>();
        foreach (var (name, function) in OrderFunctions(program.Functions))
        {
            var (opset, block) = ActiveBlock(name, function, context);
            var graphFunction = new GraphFunction { Name = name, Opset = opset };
            foreach (var input in function.Inputs) graphFunction.Inputs.Add(NamedValue(input, context));
            context.Opset = opset;
            context.Function = functionPrefix + name;
            context.Member = OpOrigin.MemberOf(functionPrefix);
            context.FunctionName = name;
            FillBlock(graphFunction.Body, block, context, depth: 1, Array.Empty<OriginStep>());
            MilDataflow.Resolve(graphFunction);
            result.Add(graphFunction);
        }
        return result;
    }

    /// <summary>What decoding one program keeps as it goes: where it is, the op count, shared types.</summary>
    internal sealed class Context
    {
        public Context(MilBlobReader blobs, string sourcePath)
        {
            Blobs = blobs;
            _sourcePath = sourcePath;
            Wire = new MilOperationWireDecoder(this, sourcePath);
        }

        private readonly string _sourcePath;
        public MilBlobReader Blobs { get; }

        /// <summary>Decodes the operations the reader deferred, from their bytes.</summary>
        public MilOperationWireDecoder Wire { get; }

        public string Opset { get; set; } = "";
        public string Function { get; set; } = "main";
        public string Member { get; set; } = "";
        public string FunctionName { get; set; } = "main";
        public int OpCount { get; set; }

        /// <summary>
        /// One instance per distinct value type: a program repeats a handful of types across all its values, and
        /// types are immutable records, so sharing them keeps the graph small (equality is by value either way).
        /// </summary>
        public Dictionary<ValueType, ValueType> Types { get; } = new();

        public ValueType Intern(ValueType type)
        {
            if (Types.TryGetValue(type, out var known)) return known;
            Types[type] = type;
            return type;
        }
        public ModelReadException Error(string problem) => new(_sourcePath, problem);

        public void CheckBlockDepth(int depth)
        {
            if (depth > Limits.MaxProtobufDepth)
                throw Error($"nested blocks deeper than {Limits.MaxProtobufDepth} in function '{Function}'");
        }

        public void CountOp()
        {
            if (++OpCount > Limits.MaxOps)
                throw Error($"more than {Limits.MaxOps} ops");
        }
    }

    /// <summary>The default function <c>main</c> first, then the others by name.</summary>
    private static IEnumerable<(string, Mil.Function)> OrderFunctions(IDictionary<string, Mil.Function> functions) =>
        functions.OrderBy(kv => kv.Key == "main" ? 0 : 1).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value));

    private static (string Opset, Mil.Block Block) ActiveBlock(string name, Mil.Function function, Context context)
    {
        var specs = function.BlockSpecializations;
        if (specs.TryGetValue(function.Opset, out var block)) return (function.Opset, block);
        if (specs.Count == 1) { var only = specs.First(); return (only.Key, only.Value); }
        var coreml = specs.Keys.Where(k => k.StartsWith("CoreML", StringComparison.Ordinal)).Order(StringComparer.Ordinal).FirstOrDefault();
        if (coreml is not null) return (coreml, specs[coreml]);
        throw context.Error($"function '{name}' has no block for its opset '{function.Opset}' (has: {string.Join(", ", specs.Keys)})");
    }

    private static void FillBlock(Block target, Mil.Block source, Context context, int depth, IReadOnlyList<OriginStep> path)
    {
        context.CheckBlockDepth(depth);
        foreach (var input in source.Inputs) target.Inputs.Add(NamedValue(input, context));
        target.Outputs.AddRange(source.Outputs);
        var index = 0;
        foreach (var operation in source.Operations)
        {
            context.CountOp();
            target.Ops.Add(DecodeOp(operation, context, depth, path, index++));
        }
        // Operations the reader left as bytes (WeightElidingReader's deferMilOperations) are decoded from their
        // bytes, so no protobuf objects are made for them; the objects above are what the writers' eager read gives.
        foreach (var bytes in source.AnecompatDeferredOperations)
        {
            context.CountOp();
            target.Ops.Add(context.Wire.Decode(bytes.Span, depth, path, index++));
        }
    }

    private static Op DecodeOp(Mil.Operation operation, Context context, int depth, IReadOnlyList<OriginStep> path, int index)
    {
        var name = operation.Attributes.TryGetValue("name", out var n) ? ImmediateString(n) : null;
        var op = new Op
        {
            Kind = MilOpKind.Canonical(operation.Type), Source = operation.Type, Name = name,
            Opset = context.Opset, Function = context.Function,
            Origin = new OpOrigin(OpSourceFormat.MilProgram, context.Member, context.FunctionName, path, index, name),
        };
        foreach (var (parameter, argument) in ByKey(operation.Inputs))
        {
            var bindings = new Argument[argument.Arguments.Count];
            for (var i = 0; i < bindings.Length; i++) bindings[i] = Binding(argument.Arguments[i], context);
            op.Inputs.Add(new OpInput(parameter, bindings));
        }
        // Attributes other than the op's name are values too (const `val`, iOS17 constexpr parameters).
        foreach (var (key, value) in ByKey(operation.Attributes))
        {
            if (key == "name" || key == "debug_id") continue;
            var constant = Constant(value, context);
            if (key == MilOpKind.IntendedBackendAttribute)
            {
                if (constant.Strings is { } backends) op.Attributes[Attr.IntendedBackend] = backends;
                continue;
            }
            op.Inputs.Add(new OpInput(key, new[] { new Argument { Constant = constant, Type = constant.Type } }));
        }
        foreach (var output in operation.Outputs) op.Outputs.Add(NamedValue(output, context));
        var b = 0;
        foreach (var block in operation.Blocks)
        {
            var nested = new Block();
            FillBlock(nested, block, context, depth + 1, OpOrigin.Append(path, index, $"blocks[{b++}]"));
            op.Blocks.Add(nested);
        }
        return op;
    }

    /// <summary>A map's entries in ordinal key order (without a sort for the usual one or two entries).</summary>
    private static IEnumerable<KeyValuePair<string, T>> ByKey<T>(Google.Protobuf.Collections.MapField<string, T> map)
    {
        if (map.Count <= 1) return map;
        var entries = map.ToArray();
        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    private static Argument Binding(Mil.Argument.Types.Binding binding, Context context)
    {
        if (binding.BindingCase == Mil.Argument.Types.Binding.BindingOneofCase.Value)
        {
            var constant = Constant(binding.Value, context);
            return new Argument { Constant = constant, Type = constant.Type };
        }
        return new Argument { Name = binding.Name };
    }

    private static string? ImmediateString(Mil.Value value)
    {
        var t = value.ImmediateValue?.Tensor;
        return t?.ValueCase == Mil.TensorValue.ValueOneofCase.Strings && t.Strings.Values.Count > 0 ? t.Strings.Values[0] : null;
    }

    private static GraphValue NamedValue(Mil.NamedValueType v, Context context) => new(v.Name, context.Intern(Type(v.Type)));

    public static ValueType Type(Mil.ValueType? type) => Type(type, 0);

    // Types nest (tuples of lists of tensors); the protobuf parser already bounds message depth.
    private static ValueType Type(Mil.ValueType? type, int depth)
    {
        if (type is null || depth > Limits.MaxProtobufDepth) return ValueType.Unknown;
        switch (type.TypeCase)
        {
            case Mil.ValueType.TypeOneofCase.TensorType:
                return ValueType.Tensor(Element(type.TensorType.DataType), Shape(type.TensorType));
            case Mil.ValueType.TypeOneofCase.StateType:
                var wrapped = Type(type.StateType.WrappedType, depth + 1);
                return new ValueType(ValueKind.State, wrapped.Element, wrapped.Shape);
            case Mil.ValueType.TypeOneofCase.ListType:
                var item = Type(type.ListType.Type, depth + 1);
                return new ValueType(ValueKind.List, item.Element, item.Shape);
            case Mil.ValueType.TypeOneofCase.TupleType:
                return new ValueType(ValueKind.Tuple, ElementType.Unknown, TensorShape.Unknown);
            case Mil.ValueType.TypeOneofCase.DictionaryType:
                return new ValueType(ValueKind.Dictionary, ElementType.Unknown, TensorShape.Unknown);
            default:
                return ValueType.Unknown;
        }
    }

    private static TensorShape Shape(Mil.TensorType t)
    {
        // rank -1 means even the rank is unknown; dimensions may be absent for a known rank.
        if (t.Rank < 0) return TensorShape.Unknown;
        if (t.Dimensions.Count == 0 && t.Rank > 0)
            return t.Rank > Limits.MaxProtobufDepth * 100 ? TensorShape.Unknown : new TensorShape(Enumerable.Repeat(Dim.Unknown, (int)t.Rank).ToArray());
        return new TensorShape(t.Dimensions.Select(d => d.DimensionCase == Mil.Dimension.DimensionOneofCase.Constant
            ? Dim.Of(d.Constant.Size > long.MaxValue ? long.MaxValue : (long)d.Constant.Size) : Dim.Unknown).ToArray());
    }

    public static ElementType Element(Mil.DataType t) => t switch
    {
        Mil.DataType.Bool => ElementType.Bool, Mil.DataType.String => ElementType.String,
        Mil.DataType.Float16 => ElementType.Float16, Mil.DataType.Float32 => ElementType.Float32,
        Mil.DataType.Float64 => ElementType.Float64, Mil.DataType.Bfloat16 => ElementType.BFloat16,
        Mil.DataType.Float8E4M3Fn => ElementType.Float8E4M3FN, Mil.DataType.Float8E5M2 => ElementType.Float8E5M2,
        Mil.DataType.Int4 => ElementType.Int4, Mil.DataType.Int8 => ElementType.Int8, Mil.DataType.Int16 => ElementType.Int16,
        Mil.DataType.Int32 => ElementType.Int32, Mil.DataType.Int64 => ElementType.Int64,
        Mil.DataType.Uint1 => ElementType.UInt1, Mil.DataType.Uint2 => ElementType.UInt2, Mil.DataType.Uint3 => ElementType.UInt3,
        Mil.DataType.Uint4 => ElementType.UInt4, Mil.DataType.Uint6 => ElementType.UInt6, Mil.DataType.Uint8 => ElementType.UInt8,
        Mil.DataType.Uint16 => ElementType.UInt16, Mil.DataType.Uint32 => ElementType.UInt32, Mil.DataType.Uint64 => ElementType.UInt64,
        _ => ElementType.Unknown,
    };

    private static ConstantValue Constant(Mil.Value value, Context context)
    {
        var type = Type(value.Type);
        if (value.ValueCase == Mil.Value.ValueOneofCase.BlobFileValue)
        {
            var blob = context.Blobs.Resolve(value.BlobFileValue.FileName, value.BlobFileValue.Offset, type.Element);
            return MilLiteral.FromBlob(type, blob);
        }
        var literal = new MilLiteral();
        if (value.ImmediateValue is { } immediate) Collect(immediate, literal, type.Element, 0);
        return literal.ToConstant(type);
    }

    private static void Collect(Mil.Value.Types.ImmediateValue immediate, MilLiteral into, ElementType element, int depth)
    {
        if (depth > Limits.MaxProtobufDepth) return;
        switch (immediate.ValueCase)
        {
            case Mil.Value.Types.ImmediateValue.ValueOneofCase.Tensor:
                CollectTensor(immediate.Tensor, into, element);
                break;
            case Mil.Value.Types.ImmediateValue.ValueOneofCase.List:
                foreach (var v in immediate.List.Values) CollectNested(v, into, depth);
                break;
            case Mil.Value.Types.ImmediateValue.ValueOneofCase.Tuple:
                foreach (var v in immediate.Tuple.Values) CollectNested(v, into, depth);
                break;
            case Mil.Value.Types.ImmediateValue.ValueOneofCase.Dictionary:
                foreach (var kv in immediate.Dictionary.Values)
                {
                    if (kv.Key is not null) CollectNested(kv.Key, into, depth);
                    if (kv.Value is not null) CollectNested(kv.Value, into, depth);
                }
                break;
        }
    }

    private static void CollectNested(Mil.Value v, MilLiteral into, int depth)
    {
        if (v.ImmediateValue is { } inner) Collect(inner, into, Type(v.Type).Element, depth + 1);
    }

    private static void CollectTensor(Mil.TensorValue tensor, MilLiteral into, ElementType element)
    {
        switch (tensor.ValueCase)
        {
            case Mil.TensorValue.ValueOneofCase.Floats: foreach (var f in tensor.Floats.Values) into.AddFloat(f); break;
            case Mil.TensorValue.ValueOneofCase.Doubles: foreach (var d in tensor.Doubles.Values) into.AddFloat(d); break;
            case Mil.TensorValue.ValueOneofCase.Ints: foreach (var i in tensor.Ints.Values) into.AddInt(i); break;
            case Mil.TensorValue.ValueOneofCase.LongInts: foreach (var l in tensor.LongInts.Values) into.AddInt(l); break;
            case Mil.TensorValue.ValueOneofCase.Bools: foreach (var b in tensor.Bools.Values) into.AddBool(b); break;
            case Mil.TensorValue.ValueOneofCase.Strings: foreach (var s in tensor.Strings.Values) into.AddString(s); break;
            case Mil.TensorValue.ValueOneofCase.Bytes: into.AddBytes(tensor.Bytes.Values.Span, element); break;
        }
    }
}
