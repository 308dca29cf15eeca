using System.Buffers;
using System.Text;
using AneCompat.Schema;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Parses the structure <see cref="WeightElidingReader"/> wrote into a <see cref="Model"/>: the same message
/// <c>Model.Parser</c> gives for the same bytes, with one difference no reader can see — the layers of the model's
/// own network (NeuralNetwork, classifier or regressor) are parsed here field by field, so a name that occurs many
/// times (a layer's name, its output, the next layer's input) becomes one string instead of one per occurrence, and
/// each layer's input and output lists are sized to what they hold. On an 845-layer model that is most of the
/// parse's allocation. Every other field goes to the generated parser in slices: protobuf defines parsing a
/// concatenation as merging its parts, so slices give the same message, and they are parsed in file order, so the
/// first malformed field raises the error a whole parse would.
/// <para>
/// The input is the walked structure, whose tags, wire types and lengths the walk has checked, and whose nesting it
/// has held under <see cref="Diagnostics.Limits.MaxProtobufDepth"/> (the parser's own recursion limit is the same
/// 100 levels, so neither way of parsing meets it).
/// </para>
/// </summary>
internal sealed class StructureParser
{
    private const uint LengthDelimited = WireFields.LengthDelimitedType;
    private const uint LayersTag = 1 << 3 | LengthDelimited; // field 1 of NeuralNetwork, its classifier and regressor
    private const uint NameTag = NeuralNetworkLayer.NameFieldNumber << 3 | LengthDelimited;
    private const uint InputTag = NeuralNetworkLayer.InputFieldNumber << 3 | LengthDelimited;
    private const uint OutputTag = NeuralNetworkLayer.OutputFieldNumber << 3 | LengthDelimited;

    /// <summary>Strings as protobuf decodes them: invalid UTF-8 is an error, never replaced.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySequence<byte> _structure;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;

    /// <summary>Scratch for one layer's input and output names.</summary>
    private readonly List<string> _inputs = new(), _outputs = new();

    private StructureParser(ReadOnlySequence<byte> structure)
    {
        _structure = structure;
        _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <exception cref="InvalidProtocolBufferException">The structure is not a valid Model.</exception>
    public static Model Parse(ReadOnlySequence<byte> structure) => new StructureParser(structure).ParseModel();

    private Model ParseModel()
    {
        var model = new Model();
        var reader = new SequenceReader<byte>(_structure);
        var pending = reader.Position;
        while (!reader.End)
        {
            var fieldStart = reader.Position;
            var tag = ReadVarint(ref reader);
            var number = (int)(tag >> 3);
            if ((tag & 7) != LengthDelimited || number is not (Model.NeuralNetworkFieldNumber or Model.NeuralNetworkClassifierFieldNumber
                    or Model.NeuralNetworkRegressorFieldNumber))
            {
                SkipField(ref reader, tag);
                continue;
            }
            model.MergeFrom(_structure.Slice(pending, fieldStart));
            var payload = Payload(ref reader);
            // A oneof member merges into the member already set, and replaces any other (as the generated code does).
            switch (number)
            {
                case Model.NeuralNetworkFieldNumber:
                    var network = model.TypeCase == Model.TypeOneofCase.NeuralNetwork ? model.NeuralNetwork : new Schema.NeuralNetwork();
                    ParseNetwork(network, network.Layers, payload);
                    model.NeuralNetwork = network;
                    break;
                case Model.NeuralNetworkClassifierFieldNumber:
                    var classifier = model.TypeCase == Model.TypeOneofCase.NeuralNetworkClassifier ? model.NeuralNetworkClassifier : new NeuralNetworkClassifier();
                    ParseNetwork(classifier, classifier.Layers, payload);
                    model.NeuralNetworkClassifier = classifier;
                    break;
                default:
                    var regressor = model.TypeCase == Model.TypeOneofCase.NeuralNetworkRegressor ? model.NeuralNetworkRegressor : new NeuralNetworkRegressor();
                    ParseNetwork(regressor, regressor.Layers, payload);
                    model.NeuralNetworkRegressor = regressor;
                    break;
            }
            pending = reader.Position;
        }
        model.MergeFrom(_structure.Slice(pending, reader.Position));
        return model;
    }

    private void ParseNetwork(IMessage network, RepeatedField<NeuralNetworkLayer> layers, ReadOnlySequence<byte> bytes)
    {
        var reader = new SequenceReader<byte>(bytes);
        var layerCount = 0;
        while (!reader.End)
        {
            var tag = ReadVarint(ref reader);
            if (tag == LayersTag) layerCount++;
            SkipField(ref reader, tag);
        }
        // Room for about one name per layer (converters name a layer after its output) without growing on the way.
        _names.EnsureCapacity(_names.Count + layerCount + 16);
        layers.Capacity = layers.Count + layerCount;

        reader = new SequenceReader<byte>(bytes);
        var pending = reader.Position;
        while (!reader.End)
        {
            var fieldStart = reader.Position;
            var tag = ReadVarint(ref reader);
            if (tag != LayersTag)
            {
                SkipField(ref reader, tag);
                continue;
            }
            network.MergeFrom(bytes.Slice(pending, fieldStart));
            layers.Add(ParseLayer(Payload(ref reader)));
            pending = reader.Position;
        }
        network.MergeFrom(bytes.Slice(pending, reader.Position));
    }

    private NeuralNetworkLayer ParseLayer(ReadOnlySequence<byte> bytes)
    {
        var layer = new NeuralNetworkLayer();
        var reader = new SequenceReader<byte>(bytes);
        var pending = reader.Position;
        _inputs.Clear();
        _outputs.Clear();
        while (!reader.End)
        {
            var fieldStart = reader.Position;
            var tag = ReadVarint(ref reader);
            if (tag is not (NameTag or InputTag or OutputTag))
            {
                SkipField(ref reader, tag);
                continue;
            }
            layer.MergeFrom(bytes.Slice(pending, fieldStart));
            var text = Payload(ref reader);
            var name = Name(text, layer, bytes.Slice(fieldStart, reader.Position));
            if (tag == NameTag) layer.Name = name;
            else if (tag == InputTag) _inputs.Add(name);
            else _outputs.Add(name);
            pending = reader.Position;
        }
        layer.MergeFrom(bytes.Slice(pending, reader.Position));
        // Only this parser fills the two lists (the generated one never sees their fields), so they are filled last,
        // at their exact sizes: a list grows to eight entries on its first add, and most layers have one of each.
        Fill(layer.Input, _inputs);
        Fill(layer.Output, _outputs);
        return layer;
    }

    private static void Fill(RepeatedField<string> list, List<string> names)
    {
        if (names.Count == 0) return;
        list.Capacity = names.Count;
        foreach (var name in names) list.Add(name);
    }

    /// <summary>The string <paramref name="utf8"/> spells, the same instance for every occurrence of the same name.</summary>
    /// <param name="field">The whole field, merged into <paramref name="layer"/> when the bytes are not UTF-8 so the
    /// generated parser raises its own error for them.</param>
    private string Name(ReadOnlySequence<byte> utf8, NeuralNetworkLayer layer, ReadOnlySequence<byte> field)
    {
        if (utf8.IsEmpty) return "";
        const int StackLimit = 256;
        var length = checked((int)utf8.Length);
        var bytes = utf8.IsSingleSegment ? utf8.FirstSpan : utf8.ToArray();
        Span<char> chars = length <= StackLimit ? stackalloc char[StackLimit] : new char[length];
        int count;
        try
        {
            count = StrictUtf8.GetChars(bytes, chars);
        }
        catch (DecoderFallbackException)
        {
            layer.MergeFrom(field);
            throw new InvalidOperationException("the generated parser accepted a string that is not UTF-8");
        }
        var text = chars[..count];
        if (_nameLookup.TryGetValue(text, out var known)) return known;
        var name = new string(text);
        _names.Add(name);
        return name;
    }

    private static ReadOnlySequence<byte> Payload(ref SequenceReader<byte> reader)
    {
        var length = (long)ReadVarint(ref reader);
        var payload = reader.Sequence.Slice(reader.Position, length);
        reader.Advance(length);
        return payload;
    }

    private static void SkipField(ref SequenceReader<byte> reader, ulong tag)
    {
        switch (tag & 7)
        {
            case WireFields.VarintType: ReadVarint(ref reader); break;
            case WireFields.Fixed64Type: reader.Advance(8); break;
            case WireFields.LengthDelimitedType: reader.Advance((long)ReadVarint(ref reader)); break;
            case WireFields.Fixed32Type: reader.Advance(4); break;
            // The walk refuses every other wire type before the structure is written.
            default: throw new InvalidOperationException($"wire type {tag & 7} in a walked structure");
        }
    }

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        // Nearly every varint lies whole in the current chunk: decoded from the span, one advance.
        var span = reader.UnreadSpan;
        ulong value = 0;
        for (var i = 0; i < span.Length && i < 10; i++)
        {
            value |= (ulong)(span[i] & 0x7F) << (7 * i);
            if ((span[i] & 0x80) != 0) continue;
            reader.Advance(i + 1);
            return value;
        }
        value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (!reader.TryRead(out var b)) break;
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        // The walk has checked every varint of the structure it wrote.
        throw new InvalidOperationException("malformed varint in a walked structure");
    }
}
