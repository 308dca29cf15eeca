using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using Google.Protobuf;
using Mil = AneCompat.Schema.Mil;
using ValueType = AneCompat.Graph.ValueType;
using static AneCompat.Decoders.Protobuf.WireFields;

namespace AneCompat.Decoders.MilProgram;

/// <summary>
/// Decodes ML-program <c>Operation</c> messages straight from their wire bytes into graph <see cref="Op"/>s, the
/// same ops <see cref="MilProgramDecoder"/> makes from the protobuf library's objects, without building those
/// objects: at 100,000 ops they (two maps, named value types, types and dimensions per op) were most of what the
/// read allocated. The bytes come from WeightElidingReader's walk, which has checked every length, wire type and the
/// nesting depth. Protobuf's reading rules are kept: the last value of a singular field wins, a message field sent
/// more than once is merged (parsing the concatenation of its occurrences is the same thing), a oneof keeps its last
/// member, a map keeps the last entry of a key and an entry its last value, unknown fields and fields sent with
/// another wire type are skipped, repeated numbers are accepted packed or not. Whatever the library would have read
/// and refused (truncated packed numbers, invalid UTF-8) is refused here too, also in parts the graph does not keep.
/// </summary>
internal sealed class MilOperationWireDecoder(MilProgramDecoder.Context context, string path)
{
    /// <summary>
    /// Value types by their encoding: a program repeats a handful of types across all its values, so a type costs
    /// one lookup; the first occurrence is parsed by the protobuf library, which also checks it.
    /// </summary>
    private readonly Dictionary<byte[], ValueType> _types = new(ByteSequenceComparer.Instance);

    /// <summary>Short strings by their encoding (op types, parameter and attribute names): each is made once.</summary>
    private readonly Dictionary<byte[], string> _names = new(ByteSequenceComparer.Instance);

    /// <summary>Names longer than this are not kept in <see cref="_names"/> (they rarely repeat).</summary>
    private const int MaxInternedNameBytes = 64;

    /// <summary>A map entry kept until the op is built: its key and where its value lies in the operation's bytes.</summary>
    private readonly record struct Entry(string Key, int ValueStart, int ValueLength);

    // Reused for every op: an op's entries are consumed before its nested blocks are decoded.
    private readonly List<Entry> _inputs = new();
    private readonly List<Entry> _attributes = new();

    public Op Decode(ReadOnlySpan<byte> operation, int depth, IReadOnlyList<OriginStep> blockPath, int index)
    {
        var type = "";
        _inputs.Clear();
        _attributes.Clear();
        var fields = new WireFields(operation, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(Mil.Operation.TypeFieldNumber)) type = Name(fields.Bytes);
            else if (fields.IsLengthDelimited(Mil.Operation.InputsFieldNumber)) AddEntry(_inputs, operation, fields.BytesStart, fields.Bytes.Length, isArgument: true);
            else if (fields.IsLengthDelimited(Mil.Operation.AttributesFieldNumber)) AddEntry(_attributes, operation, fields.BytesStart, fields.Bytes.Length, isArgument: false);
        }

        string? name = null;
        foreach (var entry in _attributes)
            if (entry.Key == "name") name = ImmediateString(Slice(operation, entry));
        var op = new Op
        {
            Kind = MilOpKind.Canonical(type), Source = type, Name = name,
            Opset = context.Opset, Function = context.Function,
            Origin = new OpOrigin(OpSourceFormat.MilProgram, context.Member, context.FunctionName, blockPath, index, name),
        };
        SortByKey(_inputs);
        foreach (var entry in _inputs) op.Inputs.Add(new OpInput(entry.Key, Bindings(Slice(operation, entry))));
        // Attributes other than the op's name are values too (const `val`, iOS17 constexpr parameters).
        SortByKey(_attributes);
        foreach (var entry in _attributes)
        {
            var value = Slice(operation, entry);
            if (entry.Key is "name" or "debug_id")
            {
                CheckValue(value);
                continue;
            }
            var constant = Constant(value);
            if (entry.Key == MilOpKind.IntendedBackendAttribute)
            {
                if (constant.Strings is { } backends) op.Attributes[Attr.IntendedBackend] = backends;
                continue;
            }
            op.Inputs.Add(new OpInput(entry.Key, new[] { new Argument { Constant = constant, Type = constant.Type } }));
        }

        fields = new WireFields(operation, path);
        while (fields.Next())
            if (fields.IsLengthDelimited(Mil.Operation.OutputsFieldNumber)) op.Outputs.Add(NamedValue(fields.Bytes));
        var b = 0;
        fields = new WireFields(operation, path);
        while (fields.Next())
        {
            if (!fields.IsLengthDelimited(Mil.Operation.BlocksFieldNumber)) continue;
            var nested = new Block();
            FillBlock(nested, fields.Bytes, depth + 1, OpOrigin.Append(blockPath, index, $"blocks[{b++}]"));
            op.Blocks.Add(nested);
        }
        return op;
    }

    /// <summary>A nested block (of <c>cond</c>, <c>while_loop</c>): its inputs, outputs and operations.</summary>
    private void FillBlock(Block target, ReadOnlySpan<byte> block, int depth, IReadOnlyList<OriginStep> blockPath)
    {
        context.CheckBlockDepth(depth);
        var fields = new WireFields(block, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(Mil.Block.InputsFieldNumber)) target.Inputs.Add(NamedValue(fields.Bytes));
            else if (fields.IsLengthDelimited(Mil.Block.OutputsFieldNumber)) target.Outputs.Add(fields.String());
            else if (fields.IsLengthDelimited(Mil.Block.AttributesFieldNumber)) CheckAttribute(fields.Bytes);
        }
        // Operations the file wrote in place come first, then those the reader deferred (in the walk's output every
        // operation is deferred, so only one of the two lists is ever filled).
        var index = 0;
        foreach (var field in (ReadOnlySpan<int>)[Mil.Block.OperationsFieldNumber, Mil.Block.AnecompatDeferredOperationsFieldNumber])
        {
            fields = new WireFields(block, path);
            while (fields.Next())
            {
                if (!fields.IsLengthDelimited(field)) continue;
                context.CountOp();
                target.Ops.Add(Decode(fields.Bytes, depth, blockPath, index++));
            }
        }
    }

    /// <summary>Adds a map entry (key 1, value 2), replacing an earlier entry with the same key.</summary>
    private void AddEntry(List<Entry> entries, ReadOnlySpan<byte> operation, int entryStart, int entryLength, bool isArgument)
    {
        var entry = operation.Slice(entryStart, entryLength);
        var key = "";
        int valueStart = 0, valueLength = 0;
        var hasValue = false;
        var fields = new WireFields(entry, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(1)) key = Name(fields.Bytes);
            else if (fields.IsLengthDelimited(2))
            {
                // An entry's value is not merged: the last one is the value; the library still read the others.
                if (hasValue) Check(entry.Slice(valueStart, valueLength), isArgument);
                (hasValue, valueStart, valueLength) = (true, fields.BytesStart, fields.Bytes.Length);
            }
        }
        var kept = new Entry(key, entryStart + valueStart, valueLength);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key != key) continue;
            Check(Slice(operation, entries[i]), isArgument);
            entries[i] = kept;
            return;
        }
        entries.Add(kept);
    }

    /// <summary>Reads an attribute the graph does not keep (a block's) only to refuse what the library would refuse.</summary>
    private void CheckAttribute(ReadOnlySpan<byte> entry)
    {
        var fields = new WireFields(entry, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(1)) fields.CheckUtf8();
            else if (fields.IsLengthDelimited(2)) CheckValue(fields.Bytes);
        }
    }

    private void Check(ReadOnlySpan<byte> value, bool isArgument)
    {
        if (isArgument) CheckArgument(value);
        else CheckValue(value);
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> operation, Entry entry) => operation.Slice(entry.ValueStart, entry.ValueLength);

    /// <summary>Entries in ordinal key order (keys are unique), as the protobuf-object path orders map entries.</summary>
    private static void SortByKey(List<Entry> entries)
    {
        if (entries.Count > 1) entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
    }

    private string Name(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxInternedNameBytes) return String(utf8, path);
        var lookup = _names.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(utf8, out var known)) return known;
        var name = String(utf8, path);
        lookup[utf8] = name;
        return name;
    }

    private ValueType Type(ReadOnlySpan<byte> valueType)
    {
        var lookup = _types.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (lookup.TryGetValue(valueType, out var known)) return known;
        Mil.ValueType parsed;
        try
        {
            parsed = Mil.ValueType.Parser.ParseFrom(valueType);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Invalid(path, e.Message);
        }
        var type = context.Intern(MilProgramDecoder.Type(parsed));
        lookup[valueType] = type;
        return type;
    }

    /// <summary>Concatenates a message field's occurrences: protobuf merges them, which parsing the concatenation does.</summary>
    private static ReadOnlySpan<byte> Merge(ReadOnlySpan<byte> earlier, bool present, ReadOnlySpan<byte> next)
    {
        if (!present) return next;
        var joined = new byte[earlier.Length + next.Length];
        earlier.CopyTo(joined);
        next.CopyTo(joined.AsSpan(earlier.Length));
        return joined;
    }

    private GraphValue NamedValue(ReadOnlySpan<byte> namedValueType)
    {
        var name = "";
        ReadOnlySpan<byte> type = default;
        var hasType = false;
        var fields = new WireFields(namedValueType, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(Mil.NamedValueType.NameFieldNumber)) name = fields.String();
            else if (fields.IsLengthDelimited(Mil.NamedValueType.TypeFieldNumber))
            {
                type = Merge(type, hasType, fields.Bytes);
                hasType = true;
            }
        }
        return new GraphValue(name, hasType ? Type(type) : context.Intern(ValueType.Unknown));
    }

    private Argument[] Bindings(ReadOnlySpan<byte> argument)
    {
        var count = 0;
        var fields = new WireFields(argument, path);
        while (fields.Next())
            if (fields.IsLengthDelimited(Mil.Argument.ArgumentsFieldNumber)) count++;
        var bindings = new Argument[count];
        var i = 0;
        fields = new WireFields(argument, path);
        while (fields.Next())
            if (fields.IsLengthDelimited(Mil.Argument.ArgumentsFieldNumber)) bindings[i++] = Binding(fields.Bytes);
        return bindings;
    }

    private Argument Binding(ReadOnlySpan<byte> binding)
    {
        // The oneof: a value's name (1) or an inline value (2); the last member sent wins.
        ReadOnlySpan<byte> name = default, value = default;
        var member = 0;
        var fields = new WireFields(binding, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(Mil.Argument.Types.Binding.NameFieldNumber))
            {
                fields.CheckUtf8();
                if (member == Mil.Argument.Types.Binding.ValueFieldNumber) CheckValue(value);
                member = Mil.Argument.Types.Binding.NameFieldNumber;
                name = fields.Bytes;
            }
            else if (fields.IsLengthDelimited(Mil.Argument.Types.Binding.ValueFieldNumber))
            {
                value = Merge(value, member == Mil.Argument.Types.Binding.ValueFieldNumber, fields.Bytes);
                member = Mil.Argument.Types.Binding.ValueFieldNumber;
            }
        }
        if (member == Mil.Argument.Types.Binding.ValueFieldNumber)
        {
            var constant = Constant(value);
            return new Argument { Constant = constant, Type = constant.Type };
        }
        return new Argument { Name = String(name, path) };
    }

    private void CheckArgument(ReadOnlySpan<byte> argument)
    {
        var fields = new WireFields(argument, path);
        while (fields.Next())
        {
            if (!fields.IsLengthDelimited(Mil.Argument.ArgumentsFieldNumber)) continue;
            var binding = new WireFields(fields.Bytes, path);
            while (binding.Next())
            {
                if (binding.IsLengthDelimited(Mil.Argument.Types.Binding.NameFieldNumber)) binding.CheckUtf8();
                else if (binding.IsLengthDelimited(Mil.Argument.Types.Binding.ValueFieldNumber)) CheckValue(binding.Bytes);
            }
        }
    }

    /// <summary>A <c>Value</c>'s parts: its type (merged), and which member of its oneof it holds, with that member's bytes.</summary>
    private ref struct ValueParts
    {
        public ValueType Type;
        public int Member;
        public ReadOnlySpan<byte> Bytes;
    }

    private ValueParts Parts(ReadOnlySpan<byte> value)
    {
        ReadOnlySpan<byte> type = default;
        var hasType = false;
        var parts = new ValueParts { Type = ValueType.Unknown };
        var fields = new WireFields(value, path);
        while (fields.Next())
        {
            switch (fields.Field)
            {
                case Mil.Value.DocStringFieldNumber when fields.WireType == LengthDelimitedType:
                    fields.CheckUtf8();
                    break;
                case Mil.Value.TypeFieldNumber when fields.WireType == LengthDelimitedType:
                    type = Merge(type, hasType, fields.Bytes);
                    hasType = true;
                    break;
                case Mil.Value.ImmediateValueFieldNumber or Mil.Value.BlobFileValueFieldNumber when fields.WireType == LengthDelimitedType:
                    if (parts.Member == fields.Field) parts.Bytes = Merge(parts.Bytes, true, fields.Bytes);
                    else
                    {
                        CheckValueMember(parts.Member, parts.Bytes);
                        parts.Member = fields.Field;
                        parts.Bytes = fields.Bytes;
                    }
                    break;
            }
        }
        // The library parses the type whether or not it is used; so does this (through the cache).
        if (hasType) parts.Type = Type(type);
        return parts;
    }

    private ConstantValue Constant(ReadOnlySpan<byte> value)
    {
        var parts = Parts(value);
        if (parts.Member == Mil.Value.BlobFileValueFieldNumber)
        {
            var (fileName, offset) = BlobFile(parts.Bytes);
            return MilLiteral.FromBlob(parts.Type, context.Blobs.Resolve(fileName, offset, parts.Type.Element));
        }
        var literal = new MilLiteral();
        if (parts.Member == Mil.Value.ImmediateValueFieldNumber) Collect(parts.Bytes, literal, parts.Type.Element, 0);
        return literal.ToConstant(parts.Type);
    }

    private (string FileName, ulong Offset) BlobFile(ReadOnlySpan<byte> blobFileValue)
    {
        ReadOnlySpan<byte> fileName = default;
        ulong offset = 0;
        var fields = new WireFields(blobFileValue, path);
        while (fields.Next())
        {
            if (fields.IsLengthDelimited(Mil.Value.Types.BlobFileValue.FileNameFieldNumber))
            {
                fields.CheckUtf8();
                fileName = fields.Bytes;
            }
            else if (fields.Field == Mil.Value.Types.BlobFileValue.OffsetFieldNumber && fields.WireType == VarintType) offset = fields.Varint;
        }
        return (String(fileName, path), offset);
    }

    /// <summary>
    /// The first string of a value holding a string tensor (an op's <c>name</c>); null otherwise. The rest of the
    /// value is checked where the attributes are read (<see cref="CheckValue"/>).
    /// </summary>
    private string? ImmediateString(ReadOnlySpan<byte> value)
    {
        var parts = Parts(value);
        if (parts.Member != Mil.Value.ImmediateValueFieldNumber) return null;
        if (OneofMember(parts.Bytes, 4, out var tensor) != Mil.Value.Types.ImmediateValue.TensorFieldNumber) return null;
        if (OneofMember(tensor, 7, out var strings) != Mil.TensorValue.StringsFieldNumber) return null;
        var fields = new WireFields(strings, path);
        while (fields.Next())
            if (fields.IsLengthDelimited(Mil.TensorValue.Types.RepeatedStrings.ValuesFieldNumber)) return fields.String();
        return null;
    }

    /// <summary>
    /// The member of a oneof whose members are messages numbered 1 to <paramref name="members"/> (ImmediateValue,
    /// TensorValue) and its merged bytes; members replaced by a later one are checked, as the library read them.
    /// </summary>
    private int OneofMember(ReadOnlySpan<byte> message, int members, out ReadOnlySpan<byte> bytes)
    {
        var member = 0;
        bytes = default;
        var fields = new WireFields(message, path);
        while (fields.Next())
        {
            if (fields.Field > members || fields.WireType != LengthDelimitedType) continue;
            if (member == fields.Field) bytes = Merge(bytes, true, fields.Bytes);
            else
            {
                if (member != 0) CheckOneofMember(members, member, bytes);
                member = fields.Field;
                bytes = fields.Bytes;
            }
        }
        return member;
    }

    private void CheckOneofMember(int members, int member, ReadOnlySpan<byte> bytes)
    {
        if (members == 4) CheckImmediate(member, bytes);
        else CheckTensor(member, bytes);
    }

    /// <summary>Collects the scalars of an <c>ImmediateValue</c> (tensor, tuple, list, dictionary) into a literal.</summary>
    private void Collect(ReadOnlySpan<byte> immediate, MilLiteral into, ElementType element, int depth)
    {
        var member = OneofMember(immediate, 4, out var bytes);
        if (depth > Limits.MaxProtobufDepth)
        {
            CheckImmediate(member, bytes);
            return;
        }
        switch (member)
        {
            case Mil.Value.Types.ImmediateValue.TensorFieldNumber:
                CollectTensor(bytes, into, element);
                break;
            case Mil.Value.Types.ImmediateValue.ListFieldNumber or Mil.Value.Types.ImmediateValue.TupleFieldNumber:
                var values = new WireFields(bytes, path);
                while (values.Next())
                    if (values.IsLengthDelimited(Mil.ListValue.ValuesFieldNumber)) CollectNested(values.Bytes, into, depth);
                break;
            case Mil.Value.Types.ImmediateValue.DictionaryFieldNumber:
                var pairs = new WireFields(bytes, path);
                while (pairs.Next())
                {
                    if (!pairs.IsLengthDelimited(Mil.DictionaryValue.ValuesFieldNumber)) continue;
                    ReadOnlySpan<byte> key = default, value = default;
                    bool hasKey = false, hasValue = false;
                    var pair = new WireFields(pairs.Bytes, path);
                    while (pair.Next())
                    {
                        if (pair.IsLengthDelimited(Mil.DictionaryValue.Types.KeyValuePair.KeyFieldNumber)) { key = Merge(key, hasKey, pair.Bytes); hasKey = true; }
                        else if (pair.IsLengthDelimited(Mil.DictionaryValue.Types.KeyValuePair.ValueFieldNumber)) { value = Merge(value, hasValue, pair.Bytes); hasValue = true; }
                    }
                    if (hasKey) CollectNested(key, into, depth);
                    if (hasValue) CollectNested(value, into, depth);
                }
                break;
        }
    }

    private void CollectNested(ReadOnlySpan<byte> value, MilLiteral into, int depth)
    {
        var parts = Parts(value);
        if (parts.Member == Mil.Value.ImmediateValueFieldNumber) Collect(parts.Bytes, into, parts.Type.Element, depth + 1);
        else CheckValueMember(parts.Member, parts.Bytes);
    }

    private void CollectTensor(ReadOnlySpan<byte> tensor, MilLiteral into, ElementType element)
    {
        var kind = OneofMember(tensor, 7, out var repeated);
        if (kind == Mil.TensorValue.BytesFieldNumber)
        {
            // RepeatedBytes.values is one bytes field: the last occurrence wins.
            ReadOnlySpan<byte> payload = default;
            var fields = new WireFields(repeated, path);
            while (fields.Next())
                if (fields.IsLengthDelimited(Mil.TensorValue.Types.RepeatedBytes.ValuesFieldNumber)) payload = fields.Bytes;
            into.AddBytes(payload, element);
            return;
        }
        var values = new WireFields(repeated, path);
        while (values.Next())
        {
            if (values.Field != 1) continue;
            switch (kind)
            {
                case Mil.TensorValue.FloatsFieldNumber when values.WireType == Fixed32Type:
                    into.AddFloat(Float(values.Bytes));
                    break;
                case Mil.TensorValue.FloatsFieldNumber when values.WireType == LengthDelimitedType:
                    var floats = Packed(values.Bytes, 4);
                    for (var i = 0; i < floats.Length; i += 4) into.AddFloat(Float(floats.Slice(i, 4)));
                    break;
                case Mil.TensorValue.DoublesFieldNumber when values.WireType == Fixed64Type:
                    into.AddFloat(Double(values.Bytes));
                    break;
                case Mil.TensorValue.DoublesFieldNumber when values.WireType == LengthDelimitedType:
                    var doubles = Packed(values.Bytes, 8);
                    for (var i = 0; i < doubles.Length; i += 8) into.AddFloat(Double(doubles.Slice(i, 8)));
                    break;
                case Mil.TensorValue.IntsFieldNumber or Mil.TensorValue.LongIntsFieldNumber or Mil.TensorValue.BoolsFieldNumber
                    when values.WireType == VarintType:
                    AddVarint(into, kind, values.Varint);
                    break;
                case Mil.TensorValue.IntsFieldNumber or Mil.TensorValue.LongIntsFieldNumber or Mil.TensorValue.BoolsFieldNumber
                    when values.WireType == LengthDelimitedType:
                    var packed = values.Bytes;
                    for (var at = 0; at < packed.Length;) AddVarint(into, kind, ReadVarint(packed, ref at, path));
                    break;
                case Mil.TensorValue.StringsFieldNumber when values.WireType == LengthDelimitedType:
                    into.AddString(values.String());
                    break;
            }
        }
    }

    private static void AddVarint(MilLiteral into, int kind, ulong varint)
    {
        switch (kind)
        {
            case Mil.TensorValue.IntsFieldNumber: into.AddInt((int)varint); break;
            case Mil.TensorValue.LongIntsFieldNumber: into.AddInt((long)varint); break;
            default: into.AddBool(varint != 0); break;
        }
    }

    /// <summary>Packed fixed-size numbers: refused, as the library refuses them, when the last one is cut short.</summary>
    private ReadOnlySpan<byte> Packed(ReadOnlySpan<byte> bytes, int width) =>
        bytes.Length % width == 0 ? bytes : throw Truncated(path);

    // What follows reads parts of a value the graph does not keep, only to refuse what the library would refuse.

    private void CheckValue(ReadOnlySpan<byte> value)
    {
        var parts = Parts(value);
        CheckValueMember(parts.Member, parts.Bytes);
    }

    private void CheckValueMember(int member, ReadOnlySpan<byte> bytes)
    {
        if (member == Mil.Value.ImmediateValueFieldNumber)
        {
            var kind = OneofMember(bytes, 4, out var inner);
            CheckImmediate(kind, inner);
        }
        else if (member == Mil.Value.BlobFileValueFieldNumber) BlobFile(bytes);
    }

    private void CheckImmediate(int member, ReadOnlySpan<byte> bytes)
    {
        switch (member)
        {
            case Mil.Value.Types.ImmediateValue.TensorFieldNumber:
                var kind = OneofMember(bytes, 7, out var repeated);
                CheckTensor(kind, repeated);
                break;
            case Mil.Value.Types.ImmediateValue.ListFieldNumber or Mil.Value.Types.ImmediateValue.TupleFieldNumber:
                var values = new WireFields(bytes, path);
                while (values.Next())
                    if (values.IsLengthDelimited(Mil.ListValue.ValuesFieldNumber)) CheckValue(values.Bytes);
                break;
            case Mil.Value.Types.ImmediateValue.DictionaryFieldNumber:
                var pairs = new WireFields(bytes, path);
                while (pairs.Next())
                {
                    if (!pairs.IsLengthDelimited(Mil.DictionaryValue.ValuesFieldNumber)) continue;
                    var pair = new WireFields(pairs.Bytes, path);
                    while (pair.Next())
                        if (pair.WireType == LengthDelimitedType && pair.Field is 1 or 2) CheckValue(pair.Bytes);
                }
                break;
        }
    }

    /// <summary>Checks the packed numbers and strings of a <c>TensorValue</c> member (bytes need no check).</summary>
    private void CheckTensor(int kind, ReadOnlySpan<byte> repeated)
    {
        if (kind is 0 or Mil.TensorValue.BytesFieldNumber) return;
        var values = new WireFields(repeated, path);
        while (values.Next())
        {
            if (values.Field != 1 || values.WireType != LengthDelimitedType) continue;
            switch (kind)
            {
                case Mil.TensorValue.FloatsFieldNumber: Packed(values.Bytes, 4); break;
                case Mil.TensorValue.DoublesFieldNumber: Packed(values.Bytes, 8); break;
                case Mil.TensorValue.StringsFieldNumber: values.CheckUtf8(); break;
                default:
                    var packed = values.Bytes;
                    for (var at = 0; at < packed.Length;) ReadVarint(packed, ref at, path);
                    break;
            }
        }
    }
}
