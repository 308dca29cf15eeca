using AneCompat.Decoders.NeuralNetwork;
using AneCompat.Decoders.NeuralNetwork.Shapes;
using AneCompat.Decoders.Protobuf;
using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Decoders.NeuralNetwork;

/// <summary>Every NeuralNetwork model of the corpus that is not inside a pipeline, decoded with the generated parser.</summary>
public class NeuralNetworkCorpusTests
{
    public static IEnumerable<object[]> NeuralNetworkModels() => Corpus.Expected
        .Where(e => e.Value.Kinds.Length == 1 && e.Value.Kinds[0] is "neuralNetwork" or "neuralNetworkClassifier" or "neuralNetworkRegressor")
        .Select(e => e.Key).Order(StringComparer.Ordinal).Select(k => new object[] { k });

    private static (Model Model, GraphFunction Function, ModelInterface Interface, List<ReadWarning> Warnings) Decode(string key)
    {
        var model = Model.Parser.ParseFrom(File.ReadAllBytes(Corpus.Path(key)));
        var parts = NeuralNetworkParts.From(model);
        Assert.NotNull(parts);
        var iface = DescriptionDecoder.Decode(model.Description);
        var warnings = new List<ReadWarning>();
        return (model, NeuralNetworkDecoder.Decode(parts, iface, "", warnings), iface, warnings);
    }

    private static IEnumerable<Op> AllOps(Block block) =>
        block.Ops.SelectMany(o => o.Blocks.SelectMany(AllOps).Prepend(o));

    [CorpusFact]
    public void TheCorpusHoldsTheExpectedNeuralNetworkModels() =>
        Assert.Equal(18, NeuralNetworkModels().Count());

    [CorpusTheory]
    [MemberData(nameof(NeuralNetworkModels))]
    public void OpCountsBySourceMatchExpectedOps(string key)
    {
        var (_, function, _, warnings) = Decode(key);
        var counts = AllOps(function.Body).GroupBy(o => o.Source).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Corpus.Expected[key].Ops.OrderBy(kv => kv.Key, StringComparer.Ordinal),
            counts.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Empty(warnings);
        Assert.All(AllOps(function.Body), o => Assert.Equal("main", o.Function));
        Assert.All(AllOps(function.Body), o => Assert.NotEqual("unknown", o.Kind));
    }

    [CorpusFact]
    public void PipelineMemberNetworksDecodeToo()
    {
        // blazeface-nms-pipeline: a NeuralNetwork member plus nonMaximumSuppression (which has no layers).
        const string key = "blazeface-nms-pipeline/blazeface_pipeline.mlmodel";
        var model = Model.Parser.ParseFrom(File.ReadAllBytes(Corpus.Path(key)));
        var members = model.Pipeline.Models;
        Assert.Null(NeuralNetworkParts.From(model));
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < members.Count; i++)
        {
            if (NeuralNetworkParts.From(members[i]) is not { } parts) continue;
            var f = NeuralNetworkDecoder.Decode(parts, DescriptionDecoder.Decode(members[i].Description), $"models[{i}]/", new List<ReadWarning>());
            foreach (var op in AllOps(f.Body))
            {
                Assert.Equal($"models[{i}]/main", op.Function);
                counts[op.Source] = counts.GetValueOrDefault(op.Source) + 1;
            }
        }
        Assert.Equal(Corpus.Expected[key].Ops.OrderBy(kv => kv.Key, StringComparer.Ordinal), counts.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [CorpusFact]
    public void ControlFlowBodiesBecomeNestedBlocks()
    {
        var (_, function, _, _) = Decode("tf-lstm-nd-controlflow/model.mlmodel");
        var loop = Assert.Single(AllOps(function.Body), o => o.Source == "loop");
        Assert.Equal("while_loop", loop.Kind);
        Assert.NotEmpty(loop.Blocks);
        Assert.All(AllOps(function.Body).Where(o => o.Source == "branch"), b => Assert.InRange(b.Blocks.Count, 1, 2));
        Assert.Contains(loop.Blocks.SelectMany(AllOps), o => o.Source == "branch");
    }

    /// <summary>
    /// Where the description declares an output's shape and inference reaches it, they agree. The declared shape is
    /// read through the documented convention (legacy rank-1/3 arrays as [1, C, H, W]).
    /// </summary>
    [CorpusFact]
    public void InferredOutputShapesMatchTheDescription()
    {
        var compared = new List<string>();
        foreach (var key in NeuralNetworkModels().Select(k => (string)k[0]))
        {
            var (model, function, iface, _) = Decode(key);
            var parts = NeuralNetworkParts.From(model)!;
            foreach (var output in iface.Outputs.Where(o => o.Kind is FeatureKind.MultiArray or FeatureKind.Image
                         && o.Shape.Count > 0 && o.Flexibility == ShapeFlexibility.Fixed))
            {
                var producer = AllOps(function.Body).LastOrDefault(o => o.Outputs.Any(v => v.Name == output.Name));
                var inferred = producer?.Outputs.First(v => v.Name == output.Name).Type.Shape;
                if (inferred is not { IsKnown: true }) continue;
                var declared = output.Kind == FeatureKind.Image
                    ? TensorShape.Of(output.Shape)
                    : parts.ArrayInputShapeMapping == NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping
                        ? TensorShape.Of(output.Shape)
                        : ShapeConvention.Legacy(output.Shape.Select(Dim.Of).ToArray());
                Assert.True(declared.Equals(inferred), $"{key} {output.Name}: declared {declared}, inferred {inferred}");
                compared.Add($"{key}:{output.Name}");
            }
        }
        // motion-dense, pb-to-mlmodel, pose-cpm, pose-hourglass, s4tf-personalization, image2image at least.
        Assert.True(compared.Count >= 6, string.Join(", ", compared));
    }

    [CorpusFact]
    public void ShapesPropagateThroughWholeLegacyNetworks()
    {
        // pose-cpm: a 192×192 RGB image through 757 layers; every value gets a known shape.
        var (_, function, _, _) = Decode("pose-cpm/model_cpm.mlmodel");
        Assert.All(AllOps(function.Body), o => Assert.True(o.Outputs.All(v => v.Type.Shape.IsKnown), o.ToString()));
    }

    [CorpusFact]
    public void WeightBytesAreCountedFromPayloadLengths()
    {
        // MNIST (ph1ps): 2,404,232 bytes of file, nearly all fp32 weights; the rest is structure and names.
        var (_, function, _, _) = Decode("mnist-ph1ps/MNIST.mlmodel");
        var bytes = AllOps(function.Body).Sum(o => o.WeightBytes);
        Assert.InRange(bytes, 2_300_000, 2_404_232);
        Assert.All(AllOps(function.Body).Where(o => o.Source is "convolution" or "innerProduct"), o => Assert.True(o.WeightBytes > 0));
        Assert.All(AllOps(function.Body).Where(o => o.Source is "activation" or "pooling" or "flatten"), o => Assert.Equal(0, o.WeightBytes));
    }
}
