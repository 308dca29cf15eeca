namespace AneCompat.Containers;

/// <summary>
/// Where model files are read from: the disk, or the entries of an archive (.zip, .ipa) read in place. Paths are
/// ordinary absolute paths; inside an archive they are the archive's path followed by the entry's name
/// ("/x/App.ipa/Payload/App.app/Net.mlmodelc/model.mil"), so the decoders, which combine and compare paths, need
/// not know the difference. The locator and every decoder read through <see cref="ModelFileSystem.Current"/>.
/// </summary>
public interface IModelFileSystem
{
    bool FileExists(string path);
    bool DirectoryExists(string path);

    /// <summary>The file's length in bytes (0 for a FIFO or device on disk).</summary>
    long Length(string path);

    /// <summary>A read-only stream; seekable, so weight headers can be read at their offsets.</summary>
    Stream OpenRead(string path, FileOptions options = FileOptions.None);

    /// <summary>The entries of a folder, sorted by name (ordinal).</summary>
    IReadOnlyList<ModelFileEntry> Enumerate(string dir);

    /// <summary>Refuses a model folder (.mlpackage, .mlmodelc) from which a symbolic link leads out.</summary>
    void EnsureLinksStayInside(string modelDir);
}

/// <summary>One entry of a folder: its full path and name, whether it is a folder, and its link target (disk only).</summary>
public sealed record ModelFileEntry(string FullPath, string Name, bool IsDirectory, string? LinkTarget);
