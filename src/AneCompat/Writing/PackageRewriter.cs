using AneCompat.Containers;

namespace AneCompat.Writing;

/// <summary>
/// Writes a new .mlpackage beside nothing of the input: every file of the input package (Manifest.json, weights/,
/// anything else) is copied as it is, except the root model specification, which <paramref name="writeSpec"/>
/// writes at the same relative path — so the manifest, which names that path, needs no change. The folder is built
/// under a temporary name and renamed into place, so a crash leaves no partial package.
/// </summary>
public static class PackageRewriter
{
    public static void Write(ModelSource source, string outputPath, Action<Stream> writeSpec, IReadOnlyList<string> protectedPaths)
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
                else
                {
                    File.Copy(file, dest);
                }
            }
        }, replace, protectedPaths);
    }
}
