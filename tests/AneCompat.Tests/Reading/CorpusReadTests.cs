using AneCompat.Graph;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reading;

/// <summary>
/// Every model of the shared corpus reads through the public entry point, whatever its container, and its op counts
/// by source type equal expected-ops.json (counted independently with Apple's schema; nested blocks and pipeline
/// members included).
/// </summary>
public class CorpusReadTests
{
    public static IEnumerable<object[]> Models() => Corpus.Keys();

    [CorpusTheory]
    [MemberData(nameof(Models))]
    public void OpCountsBySourceEqualExpected(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        var expected = Corpus.Expected[key].Ops;
        var actual = graph.CountBySource();
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [CorpusTheory]
    [MemberData(nameof(Models))]
    public void ModelKindsAreRecognised(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        var types = graph.Root.SelfAndDescendants().Select(n => n.ModelType).ToHashSet(StringComparer.Ordinal);
        // expected-ops.json names compiled bodies "mil" / "espresso"; for protobuf models it lists Model.Type members.
        foreach (var kind in Corpus.Expected[key].Kinds)
        {
            var accepted = kind switch
            {
                "mil" => new[] { "mlProgram" },
                "espresso" => new[] { "neuralNetwork", "neuralNetworkClassifier", "neuralNetworkRegressor" },
                _ => new[] { kind },
            };
            Assert.True(accepted.Any(types.Contains), $"{key}: model kind {kind} not found among {string.Join(", ", types)}");
        }
        Assert.DoesNotContain(graph.Root.SelfAndDescendants(), n => n.Family == ModelFamily.Unknown);
    }

    [CorpusTheory]
    [MemberData(nameof(Models))]
    public void OpsAreIndexedInExecutionOrderAndNameTheirFunction(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        var ops = graph.AllOps().ToList();
        Assert.Equal(Enumerable.Range(0, ops.Count), ops.Select(o => o.Index));
        Assert.All(ops, o => Assert.False(string.IsNullOrEmpty(o.Function)));
        Assert.All(ops, o => Assert.False(string.IsNullOrEmpty(o.Source)));
    }

    [CorpusFact]
    public void PipelineMembersCarryTheirPathInOpFunctions()
    {
        var graph = ModelReader.Read(Corpus.Path("blazeface-nms-pipeline/blazeface_pipeline.mlmodel"));
        Assert.Equal("pipeline", graph.Root.ModelType);
        Assert.Contains(graph.Root.Children, c => c.ModelType == "nonMaximumSuppression" && c.Family == ModelFamily.Classical);
        Assert.All(graph.AllOps(), o => Assert.StartsWith("models[", o.Function));
    }

    [CorpusFact]
    public void SpecOnlyPackagesDecodeWithAWarning()
    {
        var graph = ModelReader.Read(Corpus.Path("rtmpose-m-speconly/rtmpose-m.mlpackage"));
        Assert.Contains(graph.Warnings, w => w.Code == "weights-missing");
        Assert.Equal(ContainerKind.MlPackage, graph.Container);
        Assert.NotEmpty(graph.AllOps());
    }

    [CorpusFact]
    public void PackageRootIsFoundThroughTheManifestNotTheFolderName()
    {
        var graph = ModelReader.Read(Corpus.Path("mlpackage-nonstandard-author/model.mlpackage"));
        Assert.Equal("mlProgram", graph.Root.ModelType);
    }
}
