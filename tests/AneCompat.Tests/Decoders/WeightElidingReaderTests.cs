using AneCompat.Decoders.Protobuf;
using AneCompat.Schema;
using AneCompat.Tests.Support;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Mil = AneCompat.Schema.Mil;

namespace AneCompat.Tests.Decoders;

/// <summary>
/// The weight-eliding reader must give exactly the message a full parse gives, minus weight payloads, and must
/// account for every payload byte it skipped.
/// </summary>
public class WeightElidingReaderTests
{
    public static IEnumerable<object[]> ProtobufModels() =>
        Corpus.Expected.Keys
            .Select(k => Corpus.Path(k))
            .Select(p => Directory.Exists(p) && File.Exists(Path.Combine(p, "Manifest.json"))
                ? AneCompat.Containers.PackageManifest.ResolveRootModel(p)
                : p)
            .Where(File.Exists)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new object[] { Path.GetRelativePath(Corpus.Dir, p) });

    [CorpusTheory]
    [MemberData(nameof(ProtobufModels))]
    public void ElidedModelEqualsFullParseWithoutPayloads(string relativePath)
    {
        var path = Path.Combine(Corpus.Dir, relativePath);
        var full = Model.Parser.ParseFrom(File.ReadAllBytes(path));
        var elided = WeightElidingReader.Read(path);

        long payloadBytes = 0, recordedBytes = 0;
        Visit<WeightParams>(full, w =>
        {
            payloadBytes += w.FloatValue.Count * 4L + w.Float16Value.Length + w.RawValue.Length + w.Int8RawValue.Length;
            w.FloatValue.Clear();
            w.Float16Value = ByteString.Empty;
            w.RawValue = ByteString.Empty;
            w.Int8RawValue = ByteString.Empty;
        });
        Visit<WeightParams>(elided, w =>
        {
            Assert.Empty(w.FloatValue);
            Assert.True(w.Float16Value.IsEmpty && w.RawValue.IsEmpty && w.Int8RawValue.IsEmpty);
            recordedBytes += (long)w.AnecompatElidedBytes;
            w.AnecompatElidedBytes = 0;
            w.AnecompatElidedField = 0;
        });

        Assert.Equal(payloadBytes, recordedBytes);
        Assert.Equal(full, elided);
    }

    [CorpusFact]
    public void ModelsWithInlineWeightsActuallyShrink()
    {
        // MNIST: 10 layers holding 2.4 MB of fp32 weights.
        var path = Corpus.Path("mnist-ph1ps/MNIST.mlmodel");
        var elided = WeightElidingReader.Read(path);
        var size = elided.CalculateSize();
        Assert.True(size < new FileInfo(path).Length / 100,
            $"the structure of a weight-heavy model must be a small fraction of the file, got {size} bytes");
    }

    [CorpusTheory]
    [MemberData(nameof(ProtobufModels))]
    public void DeferredOperationsAreTheOperationsBytes(string relativePath)
    {
        var path = Path.Combine(Corpus.Dir, relativePath);
        var eager = WeightElidingReader.Read(path);
        var deferred = WeightElidingReader.Read(path, deferMilOperations: true);

        var eagerOps = 0;
        Visit<Mil.Block>(eager, b => eagerOps += b.Operations.Count);
        var deferredOps = 0;
        Visit<Mil.Block>(deferred, b =>
        {
            Assert.Empty(b.Operations);
            deferredOps += b.AnecompatDeferredOperations.Count;
            foreach (var bytes in b.AnecompatDeferredOperations) b.Operations.Add(Mil.Operation.Parser.ParseFrom(bytes));
            b.AnecompatDeferredOperations.Clear();
        });

        Assert.Equal(eagerOps, deferredOps);
        Assert.Equal(eager, deferred);
    }

    [Fact]
    public void A_file_cannot_supply_deferred_operations()
    {
        var block = new Mil.Block { Operations = { new Mil.Operation { Type = "relu" } } };
        block.AnecompatDeferredOperations.Add(ByteString.CopyFrom(0xFF, 0xFF, 0xFF));
        var function = new Mil.Function { Opset = "CoreML5" };
        function.BlockSpecializations["CoreML5"] = block;
        var model = new Model { SpecificationVersion = 6, MlProgram = new Mil.Program { Version = 1 } };
        model.MlProgram.Functions["main"] = function;
        var path = Path.Combine(Path.GetTempPath(), $"anecompat-deferred-{Guid.NewGuid():N}.mlmodel");
        File.WriteAllBytes(path, model.ToByteArray());
        try
        {
            var read = WeightElidingReader.Read(path, deferMilOperations: true).MlProgram.Functions["main"].BlockSpecializations["CoreML5"];
            Assert.Empty(read.Operations);
            Assert.Equal("relu", Mil.Operation.Parser.ParseFrom(Assert.Single(read.AnecompatDeferredOperations)).Type);
            Assert.Empty(WeightElidingReader.Read(path).MlProgram.Functions["main"].BlockSpecializations["CoreML5"].AnecompatDeferredOperations);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_structure_over_several_chunks_parses_as_the_full_model_wherever_its_length_slots_fall()
    {
        // ~170 KB of layers, three length slots each (layer, activation, relu) every ~40 bytes of structure: shifting everything
        // by 0–39 bytes puts slots on every offset around the 64 KiB chunk boundaries, straddling ones included.
        using var t = new TempDir();
        for (var shift = 0; shift < 40; shift++)
        {
            var model = new Model
            {
                SpecificationVersion = 4,
                Description = new ModelDescription { Metadata = new Metadata { ShortDescription = new string('d', shift) } },
                NeuralNetwork = new AneCompat.Schema.NeuralNetwork(),
            };
            for (var i = 0; i < 6000; i++)
                model.NeuralNetwork.Layers.Add(new NeuralNetworkLayer
                {
                    Name = $"layer_{i}", Input = { $"x{i}" }, Output = { $"x{i + 1}" },
                    Activation = new ActivationParams { ReLU = new ActivationReLU() },
                });
            var bytes = model.ToByteArray();
            Assert.True(bytes.Length > 2 * StructureBuffer.ChunkSize);
            Assert.Equal(Model.Parser.ParseFrom(bytes), WeightElidingReader.Read(t.Write($"shift{shift}.mlmodel", bytes)));
        }
    }

    [CorpusFact]
    public void A_large_model_cut_short_anywhere_is_refused_in_one_line()
    {
        // pose-hourglass: a structure of several chunks; cuts inside the first chunk, on later ones, and in weights.
        var bytes = File.ReadAllBytes(Corpus.Path("pose-hourglass/model_hourglass.mlmodel"));
        using var t = new TempDir();
        foreach (var cut in new[] { 1000, StructureBuffer.ChunkSize + 3, bytes.Length / 3, bytes.Length / 2, bytes.Length - 7 })
        {
            var path = t.Write($"cut{cut}.mlmodel", bytes[..cut]);
            var e = Assert.Throws<AneCompat.Diagnostics.ModelReadException>(() => WeightElidingReader.Read(path));
            Assert.Null(Fuzzing.ReadOutcome.CheckMessage(e));
        }
    }

    /// <summary>
    /// Calls <paramref name="onEach"/> for every <typeparamref name="T"/> in the message tree, before visiting what it
    /// holds (so what the callback adds is visited too).
    /// </summary>
    private static void Visit<T>(IMessage message, Action<T> onEach) where T : class, IMessage
    {
        if (message is T found) onEach(found);
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message) continue;
            switch (field.Accessor.GetValue(message))
            {
                case null: break;
                case IMessage m: Visit(m, onEach); break;
                case System.Collections.IDictionary map:
                    foreach (var v in map.Values) if (v is IMessage mv) Visit(mv, onEach);
                    break;
                case System.Collections.IEnumerable list:
                    foreach (var item in list) if (item is IMessage mi) Visit(mi, onEach);
                    break;
            }
        }
    }
}
