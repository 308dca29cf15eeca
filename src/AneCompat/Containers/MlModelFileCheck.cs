using System.Text;
using AneCompat.Diagnostics;

namespace AneCompat.Containers;

/// <summary>Cheap checks on a file that should hold a Core ML protobuf model, with the errors users hit most.</summary>
public static class MlModelFileCheck
{
    public static void EnsureLooksLikeModel(string path)
    {
        Span<byte> head = stackalloc byte[64];
        int n;
        try
        {
            using var s = ModelFiles.OpenRead(path);
            n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (UnauthorizedAccessException) { throw new ModelReadException(path, "permission denied"); }
        catch (IOException e) { throw new ModelReadException(path, $"cannot read file: {e.Message}"); }

        var text = Encoding.ASCII.GetString(head[..n]);
        if (text.StartsWith("version https://git-lfs", StringComparison.Ordinal))
            throw new ModelReadException(path, "file is a Git LFS pointer, not the model; run 'git lfs pull' to fetch it");
        if (head[0] == (byte)'P' && n > 1 && head[1] == (byte)'K')
            throw new ModelReadException(path, "file is a zip archive, not a Core ML model; anecompat reads the models inside an archive named .zip or .ipa (anecompat ARCHIVE)");
        // A Model message starts with field 1 (varint specificationVersion) or field 2 (description).
        if (head[0] != 0x08 && head[0] != 0x12)
            throw new ModelReadException(path, $"not a Core ML model: it starts with byte 0x{head[0]:X2}, not a specificationVersion or description field");
    }
}
