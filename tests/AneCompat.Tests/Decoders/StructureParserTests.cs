using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Schema;
using AneCompat.Tests.Support;
using Google.Protobuf;

namespace AneCompat.Tests.Decoders;

/// <summary>
/// The structure parser must give exactly what the generated parser gives for the same bytes — the same message, or
/// the same error — while sharing one string per distinct layer name.
/// </summary>
public class StructureParserTests
{
    private const string NotValid = "not a valid Core ML model: ";

    [CorpusFact]
    public void Equal_names_of_a_network_are_one_string()
    {
        var layers = WeightElidingReader.Read(Corpus.Path("pose-hourglass/model_hourglass.mlmodel")).NeuralNetwork.Layers;
        var shared = 0;
        for (var i = 1; i < layers.Count; i++)
        {
            foreach (var input in layers[i].Input)
            {
                var producer = layers.Take(i).LastOrDefault(l => l.Output.Contains(input));
                if (producer is null) continue;
                Assert.Same(producer.Output.First(o => o == input), input);
                shared++;
            }
        }
        Assert.True(shared > 800, $"only {shared} inputs name an earlier layer's output");
    }

    [Fact]
    public void Repeated_and_replaced_network_members_follow_protobuf_merge_rules()
    {
        static byte[] Network(string name) => new Model { NeuralNetwork = new AneCompat.Schema.NeuralNetwork
            { Layers = { new NeuralNetworkLayer { Name = name, Input = { "x" }, Output = { name } } } } }.ToByteArray();
        static byte[] Classifier(string name) => new Model { NeuralNetworkClassifier = new NeuralNetworkClassifier
            { Layers = { new NeuralNetworkLayer { Name = name, Output = { name } } }, StringClassLabels = new StringVector { Vector = { "a" } } } }.ToByteArray();
        var version = new Model { SpecificationVersion = 4 }.ToByteArray();
        byte[][] files =
        [
            [.. version, .. Network("a"), .. Network("b")],               // the same member twice: layers merge
            [.. Network("a"), .. Classifier("b"), .. Network("c")],        // another member in between: replaced
            [.. Classifier("a"), .. version, .. Classifier("b")],
        ];
        using var t = new TempDir();
        for (var i = 0; i < files.Length; i++)
            Assert.Equal(Model.Parser.ParseFrom(files[i]), WeightElidingReader.Read(t.Write($"m{i}.mlmodel", files[i])));
    }

    [Fact]
    public void A_layer_name_that_is_not_utf8_gets_the_generated_parser_error()
    {
        var layer = new NeuralNetworkLayer { Name = "ok", Output = { "y" } }.ToByteArray();
        byte[] badName = [0x0A, 0x02, 0xC3, 0x28]; // field 1, two bytes: a lead byte and no continuation
        var network = new AneCompat.Schema.NeuralNetwork().ToByteArray();
        byte[] layerBytes = [.. layer, .. badName];
        byte[] networkBytes = [.. network, 0x0A, (byte)layerBytes.Length, .. layerBytes];
        byte[] model = [0x08, 0x04, 0xA2, 0x1F, (byte)networkBytes.Length, .. networkBytes]; // field 500
        var expected = Assert.Throws<InvalidProtocolBufferException>(() => Model.Parser.ParseFrom(model));

        using var t = new TempDir();
        var e = Assert.Throws<ModelReadException>(() => WeightElidingReader.Read(t.Write("bad-name.mlmodel", model)));
        Assert.EndsWith(NotValid + expected.Message, e.Message);
    }

    [Fact]
    public void Networks_nested_to_the_depth_limit_are_read_and_one_level_deeper_refused_by_the_walk()
    {
        // Model 0, network 1, layer 2, branch 3, its network 4, layer 5, …: slices handed to the generated parser
        // start deeper than the model, so the walk's limit, not the parser's, decides (LimitTests: the same words).
        // A model whose innermost message, a branch's parameters, sits at depth (a multiple of 3).
        static byte[] Nested(int depth)
        {
            IMessage innermost = new BranchLayerParams();
            var level = depth;
            var message = innermost;
            while (level > 1)
            {
                // The message at this level gets its parent one level up.
                message = (level % 3) switch
                {
                    0 => new NeuralNetworkLayer { Name = $"l{level}", Branch = (BranchLayerParams)message },
                    2 => new AneCompat.Schema.NeuralNetwork { Layers = { (NeuralNetworkLayer)message } },
                    _ => new BranchLayerParams { IfBranch = (AneCompat.Schema.NeuralNetwork)message },
                };
                level--;
            }
            return new Model { SpecificationVersion = 4, NeuralNetwork = (AneCompat.Schema.NeuralNetwork)message }.ToByteArray();
        }
        using var t = new TempDir();
        var deepest = Nested(Limits.MaxProtobufDepth - 1);
        Assert.Equal(Model.Parser.ParseFrom(deepest), WeightElidingReader.Read(t.Write("deepest.mlmodel", deepest)));
        var e = Assert.Throws<ModelReadException>(() => WeightElidingReader.Read(t.Write("deeper.mlmodel", Nested(Limits.MaxProtobufDepth + 2))));
        Assert.Contains($"messages nested deeper than {Limits.MaxProtobufDepth} levels", e.Message);
    }

    [CorpusFact]
    public void Mutated_structures_give_the_generated_parser_outcome()
    {
        // tf-lstm-nd-controlflow: branch and loop layers, so networks nested in layers too. One byte of its
        // weight-free structure changed at a time: where the walk lets it through, the model or the protobuf error
        // must be the generated parser's.
        var structure = WeightElidingReader.Read(Corpus.Path("tf-lstm-nd-controlflow/model.mlmodel")).ToByteArray();
        var random = new Random(20261130);
        using var t = new TempDir();
        var path = t.File("mutated.mlmodel");
        int parsedAlike = 0, refusedAlike = 0;
        for (var i = 0; i < 400; i++)
        {
            var bytes = (byte[])structure.Clone();
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(path, bytes);
            Model? expected = null;
            string? expectedError = null;
            try { expected = Model.Parser.ParseFrom(bytes); }
            catch (InvalidProtocolBufferException e) { expectedError = e.Message; }
            try
            {
                var read = WeightElidingReader.Read(path);
                Assert.Null(expectedError);
                Assert.Equal(expected, read);
                parsedAlike++;
            }
            catch (ModelReadException e) when (e.Problem.StartsWith(NotValid, StringComparison.Ordinal))
            {
                Assert.Equal(expectedError, e.Problem[NotValid.Length..]);
                refusedAlike++;
            }
            catch (ModelReadException) { } // refused by the walk, before any parsing
        }
        Assert.True(parsedAlike > 50 && refusedAlike > 0, $"{parsedAlike} parsed, {refusedAlike} refused by the parser");
    }
}
