using AneCompat.Containers;

namespace AneCompat.Writing;

/// <summary>
/// Writes a new .mlpackage beside nothing of the input: every file of the input package (Manifest.json, weights/,
/// anything else) is copied as it is, except the root model specification, which the <c>writeSpec</c> callback
/// writes at the same relative path — so the manifest, which names that path, needs no change. The folder is built
/// under a temporary name and renamed into place, so a crash leaves no partial package.
/// </summary>
public static class PackageRewriter
{
    /// <param name="rewrittenFiles">Other files of the package written anew (full source path → writer), e.g. a weight
    /// file with blobs appended; null or absent ones are copied.</param>
    public static void Write(ModelSource source, string outputPath, Action<Stream> writeSpec, IReadOnlyList<string> protectedPaths,
        IReadOnlyDictionary<string, Action<Stream>>? rewrittenFiles = null)
    {
        var root = Path.GetFullPath(source.Path);
        var spec = Path.GetFullPath(source.SpecFile!);
        var target = Path.GetFullPath(outputPath);
        // An existing output is replaced only if it is a package (never an arbitrary folder the user named by mistake).
        var replace = Directory.Exists(target) && File.Exists(Path.Combine(target, "Manifest.json"));
        Output.AtomicFile.WriteDirectory(target, temp =>
        {
            foreach (var dir in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
                Directory.CreateDirectory(Path.Combine(temp, Path.GetRelativePath(root, dir)));
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var dest = Path.Combine(temp, Path.GetRelativePath(root, file));
                if (string.Equals(Path.GetFullPath(file), spec, StringComparison.Ordinal))
                {
                    using var stream = new FileStream(dest, FileMode.CreateNew, FileAccess.Write);
                    writeSpec(stream);
                    stream.Flush(flushToDisk: true);
                }
                else if (rewrittenFiles is not null && rewrittenFiles.TryGetValue(Path.GetFullPath(file), out var write))
                {
                    using var stream = new FileStream(dest, FileMode.CreateNew, FileAccess.Write);
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
                else
                {
                    File.Copy(file, dest);
                }
            }
        }, replace, protectedPaths);
    }
}
