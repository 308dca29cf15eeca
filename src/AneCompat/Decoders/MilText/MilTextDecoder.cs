using AneCompat.Graph;

namespace AneCompat.Decoders.MilText;

/// <summary>Decodes compiled ML program text (<c>model.mil</c>) into graph functions.</summary>
public static class MilTextDecoder
{
    /// <param name="milPath">The model.mil file.</param>
    /// <param name="modelPathRoot">The folder <c>@model_path</c> stands for (the .mlmodelc folder).</param>
    /// <param name="warnings">Where recoverable problems (missing weight file, …) go.</param>
    /// <param name="functionPrefix">Prefix for <see cref="Op.Function"/> (pipeline member path + "/", or "").</param>
    public static List<GraphFunction> Decode(string milPath, string modelPathRoot, List<ReadWarning> warnings, string functionPrefix)
        => throw new NotImplementedException("model.mil decoding is being written");
}
