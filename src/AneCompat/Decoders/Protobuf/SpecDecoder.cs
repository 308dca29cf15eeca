using AneCompat.Containers;
using AneCompat.Graph;

namespace AneCompat.Decoders.Protobuf;

/// <summary>Decodes a protobuf Core ML model (.mlmodel, or an .mlpackage's root model) into a graph.</summary>
public static class SpecDecoder
{
    public static ModelGraph Read(ModelSource source) => throw new NotImplementedException();
}
