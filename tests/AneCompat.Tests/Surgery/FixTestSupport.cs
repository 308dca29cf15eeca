using AneCompat.Schema;
using AneCompat.Surgery;
using AneCompat.Tests.Support;
using Google.Protobuf;

namespace AneCompat.Tests.Surgery;

/// <summary>Reads written models whole and compares them layer by layer.</summary>
internal static class FixTestSupport
{
    public static string Sample => System.IO.Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");

    public static Model ReadWhole(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Model.Parser.WithDiscardUnknownFields(false).ParseFrom(CodedInputStream.CreateWithLimits(new MemoryStream(bytes), bytes.Length + 1, 200));
    }

    public static IList<NeuralNetworkLayer> Layers(Model m) => m.TypeCase switch
    {
        Model.TypeOneofCase.NeuralNetwork => m.NeuralNetwork.Layers,
        Model.TypeOneofCase.NeuralNetworkClassifier => m.NeuralNetworkClassifier.Layers,
        Model.TypeOneofCase.NeuralNetworkRegressor => m.NeuralNetworkRegressor.Layers,
        _ => throw new InvalidOperationException("not a NeuralNetwork"),
    };

    /// <summary>Every layer the plan did not touch is byte-identical once re-serialised; the touched ones are what the plan says.</summary>
    public static void AssertUntouchedLayersIdentical(Model before, Model after, FixPlan plan)
    {
        var touched = plan.Applied.Where(p => p.Member.Length == 0 && p.LayerIndex >= 0).ToDictionary(p => p.LayerIndex);
        var folded = plan.Applied.SelectMany(p => p.FoldedConstants).ToHashSet();
        var oldLayers = Layers(before);
        var newLayers = Layers(after);
        var j = 0;
        for (var i = 0; i < oldLayers.Count; i++)
        {
            if (touched.TryGetValue(i, out var p))
            {
                foreach (var r in p.Replacement)
                    Assert.Equal(r.ToByteArray(), newLayers[j++].ToByteArray());
                continue;
            }
            if (folded.Contains(i) && (j >= newLayers.Count || newLayers[j].Name != oldLayers[i].Name)) continue; // removed
            Assert.Equal(oldLayers[i].ToByteArray(), newLayers[j++].ToByteArray());
        }
        Assert.Equal(newLayers.Count, j);
    }

    /// <summary>No ANECompat-internal field anywhere in a written model.</summary>
    public static void AssertNoInternalFields(IMessage message)
    {
        if (message is WeightParams w)
        {
            Assert.Equal(0UL, w.AnecompatElidedBytes);
            Assert.Equal(0U, w.AnecompatElidedField);
        }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != Google.Protobuf.Reflection.FieldType.Message || field.IsMap) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IEnumerable)value) if (item is IMessage m) AssertNoInternalFields(m);
            }
            else if (value is IMessage m) AssertNoInternalFields(m);
        }
    }

    public static FixOptions Options(params string[] only) => new() { Only = only };
}
