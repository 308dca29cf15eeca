namespace AneCompat.Building;

/// <summary>
/// The sample model the README runs on (samples/tiny-convnet.mlmodel): a 3×8×8 multi-array → conv 3×3 (4) → ReLU →
/// max-pool 2×2 → conv 3×3 (8) → ReLU → flatten → innerProduct (10) → softmax, fixed shapes, about 7 KB of fp32
/// weights. Deterministic: regenerating it gives the committed bytes.
/// </summary>
public static class TinyConvNet
{
    public static NeuralNetworkModelBuilder Builder() => new NeuralNetworkModelBuilder()
        .SpecificationVersion(4)
        .Metadata(author: "ANECompat", shortDescription: "Tiny convolutional network: the README sample", version: "1.0", license: "MIT")
        .MultiArrayInput("image", [3, 8, 8])
        .Convolution("conv1", "image", "conv1_out", outputChannels: 4, kernelChannels: 3, padding: ConvPadding.Same)
        .ReLU("relu1", "conv1_out", "relu1_out")
        .Pooling("pool1", "relu1_out", "pool1_out")
        .Convolution("conv2", "pool1_out", "conv2_out", outputChannels: 8, kernelChannels: 4, padding: ConvPadding.Same)
        .ReLU("relu2", "conv2_out", "relu2_out")
        .Flatten("flatten", "relu2_out", "flatten_out")
        .InnerProduct("fc", "flatten_out", "fc_out", inputChannels: 8 * 4 * 4, outputChannels: 10)
        .Softmax("softmax", "fc_out", "probabilities")
        .MultiArrayOutput("probabilities", [10]);

    public static void Write(string path, IEnumerable<string>? protectedPaths = null) => Builder().Write(path, protectedPaths);
}
