using AneCompat.Building;
using AneCompat.Graph;
using AneCompat.Tests.Support;
using Google.Protobuf;

namespace AneCompat.Tests.Decoders;

/// <summary>Every decoder records where each op came from: member, function, block path, source-list index, name.</summary>
public class OpOriginTests
{
    public static IEnumerable<object[]> Files() => new[]
    {
        new object[] { "tf-lstm-nd-controlflow/model.mlmodel", OpSourceFormat.NeuralNetwork },          // NN with nested branch/loop bodies
        new object[] { "blazeface-nms-pipeline/blazeface_pipeline.mlmodel", OpSourceFormat.NeuralNetwork }, // a pipeline member
        new object[] { "cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage", OpSourceFormat.MilProgram },
        new object[] { "fluidaudio-argmax-mlmodelc/Argmax.mlmodelc", OpSourceFormat.MilText },
        new object[] { "waifu2x-up-photo-2x-mlmodelc/up_photo_scale2x_model.mlmodelc", OpSourceFormat.Espresso },
    };

    [CorpusTheory]
    [MemberData(nameof(Files))]
    public void EveryOpKnowsItsPlaceInTheSource(string key, OpSourceFormat format)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        var checkedOps = 0;
        foreach (var node in graph.Root.SelfAndDescendants())
            foreach (var function in node.Functions)
                checkedOps += Check(function.Body, node.Path, function.Name, Array.Empty<OriginStep>(), format);
        Assert.Equal(graph.AllOps().Count(), checkedOps);
        Assert.True(checkedOps > 0);
    }

    /// <summary>Walks the graph's own structure and asserts each op's origin says the same thing.</summary>
    private static int Check(Block block, string member, string function, IReadOnlyList<OriginStep> path, OpSourceFormat format)
    {
        var count = 0;
        for (var i = 0; i < block.Ops.Count; i++)
        {
            var op = block.Ops[i];
            var o = op.Origin;
            Assert.Equal(format, o.Format);
            Assert.Equal(member, o.Member);
            Assert.Equal(function, o.Function);
            Assert.Equal(path, o.BlockPath);
            Assert.Equal(i, o.Index);
            Assert.Equal(op.Name, o.Name);
            count++;
            foreach (var nested in op.Blocks)
            {
                var inner = nested.Ops.FirstOrDefault()?.Origin.BlockPath;
                if (inner is null) continue;
                Assert.Equal(path.Count + 1, inner.Count);
                Assert.Equal(i, inner[^1].OpIndex);
                count += Check(nested, member, function, inner, format);
            }
        }
        return count;
    }

    [Fact]
    public void NestedNeuralNetworkBodiesAreNamedAsTheFormatNamesThem()
    {
        using var dir = new TempDir();
        var model = new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [1, 4, 8, 8])
            .MultiArrayInput("flag", [1])
            .ReLU("first", "x", "y")
            .Branch("choose", "flag", ifb => ifb.ReLU("then_relu", "y", "z"), elseb => elseb.ReLU("else_a", "y", "w").ReLU("else_b", "w", "z"))
            .MultiArrayOutput("z", [1, 4, 8, 8]);
        var path = dir.Write("branch.mlmodel", model.ToBytes());
        var ops = ModelReader.Read(path).AllOps().ToDictionary(o => o.Name!);

        Assert.Equal("main[1].elseBranch[1]", ops["else_b"].Origin.ToString());
        Assert.Equal(new OriginStep(1, "ifBranch"), Assert.Single(ops["then_relu"].Origin.BlockPath));
        Assert.Equal(0, ops["then_relu"].Origin.Index);
        Assert.Empty(ops["choose"].Origin.BlockPath);
        Assert.Equal(OpSourceFormat.NeuralNetwork, ops["first"].Origin.Format);
    }

    [Fact]
    public void PipelineMembersAndMilOperationIndicesIncludeConstants()
    {
        using var dir = new TempDir();
        var path = dir.Write("yolo-nms.mlmodel", Planning.PipelinePlacementTests.YoloNmsPipeline().ToByteArray());
        var ops = ModelReader.Read(path).AllOps().ToList();
        // Three weight constants come first in the operation list; the first conv is operation 3 of models[0]'s main.
        var conv = ops.First(o => o.Kind == "conv");
        Assert.Equal(new OpOrigin(OpSourceFormat.MilProgram, "models[0]", "main", Array.Empty<OriginStep>(), 3, "features"),
            conv.Origin with { BlockPath = Array.Empty<OriginStep>() });
        Assert.Equal("models[0]/main[3]", conv.Origin.ToString());
    }
}
