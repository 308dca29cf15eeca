using AneCompat.Graph;

namespace AneCompat.Decoders.Compiled;

/// <summary>Decodes a compiled <c>.mlmodelc</c> folder (model.mil or espresso net, coremldata.bin, metadata.json, pipeline members).</summary>
public static class CompiledModelDecoder
{
    /// <param name="dir">The .mlmodelc folder (or a pipeline member folder inside it).</param>
    /// <param name="nodePath">Pipeline path of this node ("" for the root, "models[0]" …).</param>
    public static ModelNode Decode(string dir, string nodePath, List<ReadWarning> warnings, IDictionary<string, string> metadata)
        => throw new NotImplementedException("compiled model decoding is being written");
}
