using System.Text;
using AneCompat.Decoders.Blobs;
using AneCompat.Diagnostics;
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
    {
        try
        {
            if (!ModelFiles.Exists(milPath)) throw new ModelReadException(milPath, "model.mil does not exist");
            var length = ModelFiles.Length(milPath);
            if (length > Limits.MaxMilTextBytes)
                throw new ModelReadException(milPath, $"model.mil is {length} bytes, over the {Limits.MaxMilTextBytes}-byte limit");
            using var reader = new StreamReader(ModelFiles.OpenRead(milPath), new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true);
            using var blobs = new MilBlobReader(modelPathRoot, warnings);
            var parser = new MilTextParser(new MilTokenizer(reader, milPath), blobs, functionPrefix);
            return parser.ParseProgram();
        }
        catch (UnauthorizedAccessException) { throw new ModelReadException(milPath, "permission denied"); }
        catch (IOException e) { throw new ModelReadException(milPath, $"cannot read model.mil: {e.Message}"); }
    }
}
