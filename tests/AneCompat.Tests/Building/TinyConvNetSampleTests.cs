using AneCompat.Building;
using AneCompat.Schema;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Building;

public class TinyConvNetSampleTests
{
    private static string SamplePath => Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");

    [Fact]
    public void Regenerating_the_sample_gives_the_committed_bytes()
    {
        // If this fails, the builder or the sample changed: regenerate with
        // `dotnet run --project bench/AneCompat.Bench -- make-sample samples/tiny-convnet.mlmodel` and commit it.
        Assert.Equal(File.ReadAllBytes(SamplePath), TinyConvNet.Builder().ToBytes());
    }

    [Fact]
    public void Sample_is_a_small_fixed_shape_convnet()
    {
        var bytes = File.ReadAllBytes(SamplePath);
        Assert.InRange(bytes.Length, 1024, 128 * 1024);
        var model = Model.Parser.ParseFrom(bytes);
        var layers = model.NeuralNetwork.Layers;
        Assert.Equal(
            new[]
            {
                NeuralNetworkLayer.LayerOneofCase.Convolution, NeuralNetworkLayer.LayerOneofCase.Activation,
                NeuralNetworkLayer.LayerOneofCase.Pooling, NeuralNetworkLayer.LayerOneofCase.Convolution,
                NeuralNetworkLayer.LayerOneofCase.Activation, NeuralNetworkLayer.LayerOneofCase.Convolution,
                NeuralNetworkLayer.LayerOneofCase.AddBroadcastable, NeuralNetworkLayer.LayerOneofCase.Pooling,
                NeuralNetworkLayer.LayerOneofCase.Flatten, NeuralNetworkLayer.LayerOneofCase.InnerProduct,
                NeuralNetworkLayer.LayerOneofCase.Softmax,
            },
            layers.Select(l => l.LayerCase));
        // Every layer input is the model input or an earlier layer's output; the last layer gives the model output.
        var known = new HashSet<string> { model.Description.Input.Single().Name };
        foreach (var layer in layers)
        {
            Assert.All(layer.Input, i => Assert.Contains(i, known));
            foreach (var o in layer.Output) known.Add(o);
        }
        Assert.Equal(model.Description.Output.Single().Name, layers[^1].Output.Single());
        Assert.All(model.Description.Input.Concat(model.Description.Output),
            f => Assert.Equal(ArrayFeatureType.ShapeFlexibilityOneofCase.None, f.Type.MultiArrayType.ShapeFlexibilityCase));
        // The residual joins two 64-channel branches with the broadcastable layer, then global pooling feeds fc.
        Assert.Equal(new[] { "relu2_out", "shortcut_out" }, layers[6].Input);
        Assert.True(layers[7].Pooling.GlobalPooling);
        Assert.Equal(layers[3].Convolution.OutputChannels, layers[9].InnerProduct.InputChannels);
    }
}
