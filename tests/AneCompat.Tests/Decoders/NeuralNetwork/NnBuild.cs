using AneCompat.Decoders.NeuralNetwork;
using AneCompat.Graph;
using AneCompat.Schema;
using NN = AneCompat.Schema.NeuralNetwork;

namespace AneCompat.Tests.Decoders.NeuralNetwork;

/// <summary>Small NeuralNetwork models built in code with the generated classes.</summary>
internal static class NnBuild
{
    public static NeuralNetworkLayer Layer(string name, string[] inputs, string[] outputs, Action<NeuralNetworkLayer> set)
    {
        var layer = new NeuralNetworkLayer { Name = name };
        layer.Input.AddRange(inputs);
        layer.Output.AddRange(outputs);
        set(layer);
        return layer;
    }

    public static NeuralNetworkLayer Layer(string name, string input, string output, Action<NeuralNetworkLayer> set) =>
        Layer(name, new[] { input }, new[] { output }, set);

    public static FeatureInfo Image(string name, long channels, long height, long width) =>
        new() { Name = name, Kind = FeatureKind.Image, Element = ElementType.UInt8, Shape = new[] { 1, channels, height, width } };

    public static FeatureInfo Array(string name, params long[] shape) =>
        new() { Name = name, Kind = FeatureKind.MultiArray, Element = ElementType.Float32, Shape = shape };

    public static GraphFunction Decode(NN network, params FeatureInfo[] inputs)
    {
        var iface = new ModelInterface();
        iface.Inputs.AddRange(inputs);
        return NeuralNetworkDecoder.Decode(NeuralNetworkParts.From(network), iface, "", new List<ReadWarning>());
    }

    public static NN Network(NeuralNetworkMultiArrayShapeMapping mapping, params NeuralNetworkLayer[] layers)
    {
        var network = new NN { ArrayInputShapeMapping = mapping };
        network.Layers.AddRange(layers);
        return network;
    }

    /// <summary>Shape of the value <paramref name="name"/> as the op producing it last says.</summary>
    public static TensorShape ShapeOf(GraphFunction f, string name) =>
        f.Body.Ops.Last(o => o.Outputs.Any(v => v.Name == name)).Outputs.First(v => v.Name == name).Type.Shape;

    public static BorderAmounts Borders(ulong top, ulong bottom, ulong left, ulong right)
    {
        var b = new BorderAmounts();
        b.BorderAmounts_.Add(new BorderAmounts.Types.EdgeSizes { StartEdgeSize = top, EndEdgeSize = bottom });
        b.BorderAmounts_.Add(new BorderAmounts.Types.EdgeSizes { StartEdgeSize = left, EndEdgeSize = right });
        return b;
    }

    public static WeightParams Floats(int count)
    {
        var w = new WeightParams();
        w.FloatValue.AddRange(Enumerable.Repeat(0.5f, count));
        return w;
    }
}
