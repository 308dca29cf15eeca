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
        Assert.InRange(bytes.Length, 1024, 16 * 1024);
        var model = Model.Parser.ParseFrom(bytes);
        var layers = model.NeuralNetwork.Layers;
        Assert.Equal(
            new[]
            {
                NeuralNetworkLayer.LayerOneofCase.Convolution, NeuralNetworkLayer.LayerOneofCase.Activation,
                NeuralNetworkLayer.LayerOneofCase.Pooling, NeuralNetworkLayer.LayerOneofCase.Convolution,
                NeuralNetworkLayer.LayerOneofCase.Activation, NeuralNetworkLayer.LayerOneofCase.Flatten,
                NeuralNetworkLayer.LayerOneofCase.InnerProduct, NeuralNetworkLayer.LayerOneofCase.Softmax,
            },
            layers.Select(l => l.LayerCase));
        // Each layer consumes the previous layer's output; the first the model input, the last gives the output.
        Assert.Equal(model.Description.Input.Single().Name, layers[0].Input.Single());
        for (var i = 1; i < layers.Count; i++) Assert.Equal(layers[i - 1].Output.Single(), layers[i].Input.Single());
        Assert.Equal(model.Description.Output.Single().Name, layers[^1].Output.Single());
        Assert.All(model.Description.Input.Concat(model.Description.Output),
            f => Assert.Equal(ArrayFeatureType.ShapeFlexibilityOneofCase.None, f.Type.MultiArrayType.ShapeFlexibilityCase));
        // innerProduct input = conv2 channels × pooled 8×8 → 4×4.
        Assert.Equal((ulong)(layers[3].Convolution.OutputChannels * 4 * 4), layers[6].InnerProduct.InputChannels);
    }
}
