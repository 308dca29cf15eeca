namespace AneCompat.Building;

/// <summary>
/// The sample model the README runs on (samples/tiny-convnet.mlmodel), small but with the problem users meet most:
/// a 3×256×256 multi-array → conv 3×3 (32) → ReLU → max-pool 2×2 → conv 3×3 (64) → ReLU, plus a 1×1 shortcut conv,
/// joined by an <c>addBroadcastable</c> layer (an ND layer that falls off the ANE, NN-BROADCASTABLE-ND; the fix is the
/// Core ML 2 <c>add</c>) → global average pool → flatten → innerProduct (10) → softmax. Fixed shapes, about 88 KB of
/// fp32 weights. The convolutions (≈0.8 GFLOP) are enough work for the ANE by the placement cost model, while the
/// classifier head after the broadcastable layer is too little and stays on the CPU with it (COST-MIN-WORK).
/// Deterministic: regenerating it gives the committed bytes.
/// </summary>
public static class TinyConvNet
{
    public static NeuralNetworkModelBuilder Builder() => new NeuralNetworkModelBuilder()
        .SpecificationVersion(4)
        .Metadata(author: "ANECompat", shortDescription: "Tiny convolutional network: the README sample", version: "2.0", license: "MIT")
        .MultiArrayInput("image", [3, 256, 256])
        .Convolution("conv1", "image", "conv1_out", outputChannels: 32, kernelChannels: 3, padding: ConvPadding.Same)
        .ReLU("relu1", "conv1_out", "relu1_out")
        .Pooling("pool1", "relu1_out", "pool1_out")
        .Convolution("conv2", "pool1_out", "conv2_out", outputChannels: 64, kernelChannels: 32, padding: ConvPadding.Same)
        .ReLU("relu2", "conv2_out", "relu2_out")
        .Convolution("shortcut", "pool1_out", "shortcut_out", outputChannels: 64, kernelChannels: 32, kernelHeight: 1, kernelWidth: 1)
        .AddBroadcastable("residual", ["relu2_out", "shortcut_out"], "residual_out")
        .GlobalPooling("gap", "residual_out", "gap_out")
        .Flatten("flatten", "gap_out", "flatten_out")
        .InnerProduct("fc", "flatten_out", "fc_out", inputChannels: 64, outputChannels: 10)
        .Softmax("softmax", "fc_out", "probabilities")
        .MultiArrayOutput("probabilities", [10]);

    public static void Write(string path, IEnumerable<string>? protectedPaths = null) => Builder().Write(path, protectedPaths);
}
