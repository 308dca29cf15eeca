using AneCompat.Diagnostics;

namespace AneCompat.Output;

/// <summary>
/// Writes files and folders so that a reader never sees them half-written: the content goes to a temporary name in
/// the target folder (same file system, so the final rename is atomic) and is renamed into place only once complete.
/// A failure part-way deletes the temporary and leaves the target as it was. Writing over one of the files the
/// output was made from is refused, so a tool never destroys its own input.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>; replaces an existing file only when it is not
    /// protected. What is already at the path decides how: a regular file (or nothing) is replaced atomically through
    /// a temporary and a rename; a FIFO, socket or device is written to directly, never renamed over (so
    /// <c>-o /dev/null</c> stays the device); a symbolic link is followed and its target written atomically, the link
    /// itself kept; a folder is refused.
    /// </summary>
    /// <param name="protectedPaths">Inputs the output was made from; writing over any of them (also through a link) is refused.</param>
    public static void Write(string path, Action<Stream> write, IEnumerable<string>? protectedPaths = null)
    {
        var target = Path.GetFullPath(path);
        RefuseProtected(target, protectedPaths);
        var kind = FileKinds.Of(target);
        if (kind == FileKind.SymbolicLink)
        {
            // Write where the link leads (resolved through every link on the way), leaving the link in place.
            target = PathConfinement.RealPath(target);
            kind = FileKinds.Of(target);
        }
        switch (kind)
        {
            case FileKind.Special:
                WriteInPlace(target, write);
                return;
            case FileKind.Directory:
                throw new IOException($"{target}: is a folder; give a file name for the output");
        }
        var folder = EnsureParent(target);
        RemoveStaleTemporaries(folder, target);
        var temp = TemporarySibling(folder, target);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDeleteFile(temp);
            throw;
        }
    }

    /// <summary>A FIFO, character device or socket path: opened for writing as it is (it cannot be replaced atomically).</summary>
    private static void WriteInPlace(string target, Action<Stream> write)
    {
        using var stream = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        var buffered = new BufferedStream(stream, 1 << 16);
        write(buffered);
        buffered.Flush();
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, IEnumerable<string>? protectedPaths = null)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy), protectedPaths);
    }

    /// <summary>
    /// Builds a folder (an .mlpackage) with <paramref name="build"/>, which fills the empty temporary folder it is
    /// given, then renames it to <paramref name="path"/>. An existing folder at <paramref name="path"/> is replaced
    /// only when <paramref name="replaceExisting"/> is set and it is not protected.
    /// </summary>
    public static void WriteDirectory(string path, Action<string> build, bool replaceExisting = false, IEnumerable<string>? protectedPaths = null)
    {
        var target = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        RefuseProtected(target, protectedPaths);
        // A link to a folder: the folder it leads to is replaced, the link kept.
        if (FileKinds.Of(target) == FileKind.SymbolicLink) target = PathConfinement.RealPath(target);
        if (File.Exists(target))
            throw new IOException($"{target}: a file is in the way of the folder to write");
        if (Directory.Exists(target) && !replaceExisting)
            throw new IOException($"{target}: already exists; refusing to replace it");
        var folder = EnsureParent(target);
        RemoveStaleTemporaries(folder, target);
        var temp = TemporarySibling(folder, target);
        Directory.CreateDirectory(temp);
        try
        {
            build(temp);
            if (Directory.Exists(target))
            {
                // Folders cannot be swapped in one rename: move the old one aside first, so that at every moment
                // the target is either the complete old folder or the complete new one.
                var aside = TemporarySibling(folder, target);
                Directory.Move(target, aside);
                Directory.Move(temp, target);
                Directory.Delete(aside, recursive: true);
            }
            else
            {
                Directory.Move(temp, target);
            }
        }
        catch
        {
            TryDeleteDirectory(temp);
            throw;
        }
    }

    private static void RefuseProtected(string target, IEnumerable<string>? protectedPaths)
    {
        if (protectedPaths is null) return;
        var realTarget = PathConfinement.RealPath(target);
        foreach (var p in protectedPaths)
        {
            var full = Path.GetFullPath(p).TrimEnd(Path.DirectorySeparatorChar);
            var real = PathConfinement.RealPath(full);
            if (SamePath(full, target) || SamePath(real, realTarget) || IsInside(realTarget, real))
                throw new IOException($"{target}: refusing to write over the input {p}; choose another output path");
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(a.TrimEnd(Path.DirectorySeparatorChar), b.TrimEnd(Path.DirectorySeparatorChar),
            OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="path"/> lies inside the folder <paramref name="folder"/> (an input package).</summary>
    private static bool IsInside(string path, string folder) =>
        Directory.Exists(folder) &&
        path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar,
            OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);

    private static string EnsureParent(string target)
    {
        var folder = Path.GetDirectoryName(target) ?? throw new IOException($"{target}: has no parent folder");
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// A fresh hidden name beside the target, so the final rename never crosses file systems. It carries the writing
    /// process's id, so a later run can tell the temporaries of a killed run from those of a run still writing.
    /// </summary>
    public static string TemporarySibling(string folder, string target) =>
        Path.Combine(folder, $".{Path.GetFileName(target)}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes temporaries beside <paramref name="target"/> left by runs that were killed mid-write: those named
    /// for this target whose writing process no longer exists (another process still writing keeps its own).
    /// </summary>
    public static void RemoveStaleTemporaries(string folder, string target)
    {
        var prefix = $".{Path.GetFileName(target)}.";
        IEnumerable<string> entries;
        try { entries = Directory.EnumerateFileSystemEntries(folder, prefix + "*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var entry in entries)
        {
            var middle = Path.GetFileName(entry)[prefix.Length..^".tmp".Length];
            var dash = middle.IndexOf('-');
            if (dash <= 0 || !int.TryParse(middle[..dash], out var pid) || middle.Length - dash - 1 != 32) continue;
            // This process's own temporaries are in use; another live process is still writing its own.
            if (pid == Environment.ProcessId || ProcessIsAlive(pid)) continue;
            if (FileKinds.Of(entry) == FileKind.Directory) TryDeleteDirectory(entry);
            else if (FileKinds.Of(entry) == FileKind.RegularFile) TryDeleteFile(entry);
        }
    }

    private static bool ProcessIsAlive(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
        catch (System.ComponentModel.Win32Exception) { return true; }
    }

    private static void TryDeleteFile(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    internal static void TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
