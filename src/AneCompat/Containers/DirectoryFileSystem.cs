using AneCompat.Diagnostics;

namespace AneCompat.Containers;

/// <summary>Model files on disk, as they always were read.</summary>
public sealed class DirectoryFileSystem : IModelFileSystem
{
    public static readonly DirectoryFileSystem Instance = new();

    public bool FileExists(string path) => File.Exists(path);
    public bool DirectoryExists(string path) => Directory.Exists(path);
    public long Length(string path) => new FileInfo(path).Length;

    public Stream OpenRead(string path, FileOptions options = FileOptions.None) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, options);

    public IReadOnlyList<ModelFileEntry> Enumerate(string dir) =>
        new DirectoryInfo(dir).EnumerateFileSystemInfos()
            .Select(e => new ModelFileEntry(e.FullName, e.Name, e is DirectoryInfo, e.LinkTarget))
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();

    public void EnsureLinksStayInside(string modelDir) => PathConfinement.EnsureLinksStayInside(modelDir);
}
