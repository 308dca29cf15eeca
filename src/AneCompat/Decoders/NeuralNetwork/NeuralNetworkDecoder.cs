using AneCompat.Graph;
using AneCompat.Schema;

namespace AneCompat.Decoders.NeuralNetwork;

// PLACEHOLDER until the NeuralNetwork decoder branch is merged.
public sealed record NeuralNetworkParts(IReadOnlyList<NeuralNetworkLayer> Layers)
{
    public static NeuralNetworkParts? From(Model model) => null;
}

public static class NeuralNetworkDecoder
{
    public static GraphFunction Decode(NeuralNetworkParts parts, ModelInterface iface, string functionPrefix, List<ReadWarning> warnings)
        => throw new NotImplementedException();
}
