using AneCompat.Containers;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat;

/// <summary>
/// The models inside a folder, app bundle or archive (.zip, .ipa — read in place, never extracted), found in a stable
/// order, and read through the right file system. Models can be read in parallel. Links to models outside the
/// folder are not followed and are listed in <see cref="Refused"/>.
/// </summary>
public sealed class ModelCollection : IDisposable
{
    private readonly ZipModelFileSystem? _archive;

    /// <summary>The folder or archive, absolute.</summary>
    public string Root { get; }

    public bool IsArchive => _archive is not null;

    /// <summary>Model paths (inside an archive: the archive's path followed by the entry's name).</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>Entries not read, with the reason: a link that leaves the folder, a kernel file system (/proc, /sys …) not searched.</summary>
    public IReadOnlyList<(string Path, string Problem)> Refused { get; }

    /// <summary>Folders under <see cref="Root"/> that could not be listed (they may hide models; reported, not skipped).</summary>
    public IReadOnlyList<ModelLocator.UnreadableFolder> UnreadableFolders { get; }

    private ModelCollection(string root, ZipModelFileSystem? archive, ModelLocator.FolderScan scan, IReadOnlyList<(string, string)> refused)
    {
        Root = root;
        _archive = archive;
        Models = scan.Models;
        UnreadableFolders = scan.UnreadableFolders;
        Refused = refused;
    }

    /// <summary>True when <paramref name="path"/> is a folder of models or an archive, not one model.</summary>
    public static bool IsCollection(string path) =>
        Directory.Exists(path) && !ModelLocator.IsModelFolder(path) || ZipModelFileSystem.IsArchive(path);

    /// <summary>Opens a folder or archive and finds its models; <see cref="ModelReadException"/> when it cannot.</summary>
    public static ModelCollection Open(string path)
    {
        var full = Path.GetFullPath(path);
        var refused = new List<(string, string)>();
        if (!ZipModelFileSystem.IsArchive(full))
            return new ModelCollection(full, null, ModelLocator.Scan(full, refused), refused);
        var archive = ZipModelFileSystem.Open(full);
        try
        {
            using (ModelFileSystem.Use(archive))
            {
                var scan = ModelLocator.Scan(full, refused);
                // Link entries are never followed in an archive; one that names a model, or lies inside one, is said.
                foreach (var link in archive.SkippedLinks.Where(LooksLikeModelPart))
                    refused.Add((Path.Combine(full, link), "symbolic-link entry in an archive; not followed"));
                return new ModelCollection(full, archive, scan, refused);
            }
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    private static bool LooksLikeModelPart(string entry) => entry.Split('/').Any(ModelLocator.LooksLikeModel);

    /// <summary>Reads one of <see cref="Models"/> (safe to call from several threads at once).</summary>
    public ModelGraph Read(string model)
    {
        if (_archive is null) return ModelReader.Read(model);
        using (ModelFileSystem.Use(_archive)) return ModelReader.Read(model);
    }

    public void Dispose() => _archive?.Dispose();
}
