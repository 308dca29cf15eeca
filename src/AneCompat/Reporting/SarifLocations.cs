using AneCompat.Containers;

namespace AneCompat.Reporting;

/// <summary>
/// Where a SARIF result points so that GitHub code scanning can place it: a file (never a folder) named by a URI
/// relative to the SARIF root (the repository checkout: <c>--sarif-root</c>, default the working folder), escaped
/// per path segment, and a line. For an .mlpackage the file is its root model (<c>Data/…/model.mlmodel</c>); for a
/// compiled .mlmodelc the file that holds the ops (<c>model.mil</c>, else <c>model.espresso.net</c>, else
/// <c>coremldata.bin</c>). A model read from inside an archive points at the archive file itself.
/// </summary>
public sealed class SarifLocations
{
    private readonly string _root;
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    /// <param name="root">The folder URIs are relative to; null for the working folder.</param>
    public SarifLocations(string? root = null) => _root = Path.GetFullPath(root ?? Environment.CurrentDirectory);

    /// <summary>The SARIF root, absolute.</summary>
    public string Root => _root;

    /// <summary>Models whose file lies outside the root: their URIs climb out with <c>..</c>, which code scanning cannot place.</summary>
    public List<string> OutsideRoot { get; } = new();

    /// <summary>The URI of the file that holds <paramref name="model"/>'s ops.</summary>
    public string UriFor(ReportModel model) => UriForFile(ModelFile(model.Path, model.Container));

    /// <summary>
    /// The URI of the file that holds one op: inside a compiled pipeline, the member's own folder
    /// (<c>models[1]/models[0]</c> is <c>model1/model0/</c>) and its program file; otherwise the model's file.
    /// </summary>
    public string UriFor(ReportModel model, ReportOp? op)
    {
        if (op is null || op.SourceMember.Length == 0 || model.Container != "mlmodelc") return UriFor(model);
        var folder = model.Path;
        foreach (var step in op.SourceMember.Split('/'))
        {
            if (!step.StartsWith("models[", StringComparison.Ordinal) || !step.EndsWith(']')) return UriFor(model);
            folder = Path.Combine(folder, "model" + step["models[".Length..^1]);
        }
        return UriForFile(ModelFile(folder, "mlmodelc"));
    }

    /// <summary>
    /// The model's own path relative to the root (a package folder, or a model inside an archive): what tells two
    /// models apart in fingerprints when they share a file (every model of an .ipa points at the .ipa).
    /// </summary>
    public string IdentityOf(string modelPath) => RelativeUri(Path.GetRelativePath(_root, Path.GetFullPath(modelPath)));

    /// <summary>For a model inside an archive, its path inside the archive ("Payload/App.app/Net.mlmodelc"); else null.</summary>
    public static string? PathInsideArchive(string modelPath) =>
        ArchiveFile(modelPath) is { } archive ? Path.GetRelativePath(archive, Path.GetFullPath(modelPath)).Replace(Path.DirectorySeparatorChar, '/') : null;

    /// <summary>The URI of a path as such (a model that could not be read, so its inner file is unknown).</summary>
    public string UriForFile(string path)
    {
        if (_files.TryGetValue(path, out var uri)) return uri;
        var full = Path.GetFullPath(ArchiveFile(path) ?? path);
        var rel = Path.GetRelativePath(_root, full);
        if (Path.IsPathRooted(rel) || rel == ".." || rel.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            OutsideRoot.Add(full);
        uri = RelativeUri(rel);
        _files[path] = uri;
        return uri;
    }

    /// <summary>
    /// A relative path as a URI reference: forward slashes, each segment percent-escaped (spaces, '%', '#', '?'
    /// and non-ASCII), so "a b/x#1.mlmodel" becomes "a%20b/x%231.mlmodel". A rooted path (another drive) keeps its
    /// segments but never becomes a file:/// URI.
    /// </summary>
    public static string RelativeUri(string relativePath)
    {
        var segments = relativePath.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
            .Where(s => s.Length > 0)
            .Select(s => s == ".." ? s : Uri.EscapeDataString(s).Replace(":", "%3A", StringComparison.Ordinal));
        return string.Join("/", segments);
    }

    /// <summary>
    /// The file that holds the model's ops: the model itself for an .mlmodel, the root model of an .mlpackage, the
    /// program of a compiled model. Falls back to the path given when the inner file cannot be found.
    /// </summary>
    public static string ModelFile(string modelPath, string container)
    {
        try
        {
            switch (container)
            {
                case "mlpackage" when Directory.Exists(modelPath):
                    return PackageManifest.ResolveRootModel(modelPath);
                case "mlmodelc" when Directory.Exists(modelPath):
                    foreach (var name in new[] { "model.mil", "model.espresso.net", "coremldata.bin" })
                    {
                        var file = Path.Combine(modelPath, name);
                        if (File.Exists(file)) return file;
                    }
                    break;
            }
        }
        catch (Diagnostics.ModelReadException) { }
        return modelPath;
    }

    /// <summary>For a model read from inside a .zip or .ipa (path "App.ipa/Payload/…"), the archive file; else null.</summary>
    private static string? ArchiveFile(string path)
    {
        var full = Path.GetFullPath(path);
        for (var dir = full; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) return dir == full ? null : dir;
            if (Directory.Exists(dir)) return null;
        }
        return null;
    }
}
