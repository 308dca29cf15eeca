using AneCompat.Containers;

namespace AneCompat.Diagnostics;

/// <summary>
/// Opens files found in or named by a model. A FIFO or device put where a model file should be would block the
/// open (or never end); on Unix such entries report a length of 0, as an empty file does, so nothing of length 0 is
/// ever opened: it is reported as empty instead. Every decoder reads through here, and so through
/// <see cref="ModelFileSystem.Current"/>: the disk, or an archive read in place.
/// </summary>
public static class ModelFiles
{
    public static Stream OpenRead(string path, FileOptions options = FileOptions.None)
    {
        EnsureNotEmpty(path);
        return ModelFileSystem.Current.OpenRead(path, options);
    }

    public static bool Exists(string path) => ModelFileSystem.Current.FileExists(path);

    public static bool DirectoryExists(string path) => ModelFileSystem.Current.DirectoryExists(path);

    public static long Length(string path) => ModelFileSystem.Current.Length(path);

    /// <summary>The whole file, refused above <paramref name="maxBytes"/> before anything is read.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what)
    {
        var length = EnsureNotEmpty(path);
        if (length > maxBytes)
            throw new ModelReadException(path, $"{what} is {length} bytes, over the limit of {maxBytes}");
        using var stream = OpenRead(path);
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static long EnsureNotEmpty(string path)
    {
        var length = ModelFileSystem.Current.Length(path);
        if (length == 0)
            throw new ModelReadException(path, "file is empty (or not a regular file)");
        return length;
    }
}
