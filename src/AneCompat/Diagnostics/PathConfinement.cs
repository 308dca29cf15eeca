namespace AneCompat.Diagnostics;

/// <summary>
/// Keeps paths named inside a model (Manifest.json entries, weight references) inside the model's folder:
/// no absolute paths, no <c>..</c>, no symbolic links that lead out.
/// </summary>
public static class PathConfinement
{
    /// <summary>Resolves <paramref name="relative"/> under <paramref name="root"/> or throws naming what is wrong.</summary>
    public static string Resolve(string root, string relative, string what)
    {
        var fullRoot = Path.GetFullPath(root);
        if (relative.Length == 0)
            throw new ModelReadException(fullRoot, $"{what} is empty");
        if (relative.Contains('\0'))
            throw new ModelReadException(fullRoot, $"{what} contains a NUL character");
        if (Path.IsPathRooted(relative) || relative.StartsWith('/') || relative.StartsWith('\\'))
            throw new ModelReadException(fullRoot, $"{what} '{relative}' is an absolute path; it must stay inside the model");
        var parts = relative.Split('/', '\\');
        if (parts.Any(p => p == ".."))
            throw new ModelReadException(fullRoot, $"{what} '{relative}' uses '..' to leave the model folder");

        var candidate = Path.GetFullPath(Path.Combine(fullRoot, relative));
        if (!IsUnder(fullRoot, candidate))
            throw new ModelReadException(fullRoot, $"{what} '{relative}' leaves the model folder");

        // Follow symbolic links one component at a time: a link inside the package may point outside it.
        var realRoot = RealPath(fullRoot);
        var real = RealPath(candidate);
        if (!IsUnder(realRoot, real))
            throw new ModelReadException(fullRoot, $"{what} '{relative}' is a symbolic link that leaves the model folder");
        return candidate;
    }

    private static bool IsUnder(string root, string path)
    {
        var r = root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return path == root.TrimEnd(Path.DirectorySeparatorChar) || path.StartsWith(r, StringComparison.Ordinal);
    }

    /// <summary>
    /// Refuses a model folder (.mlpackage, .mlmodelc) in which any symbolic link leads outside it, before any
    /// decoder opens a file there: every file a decoder reads by a fixed name is then confined too.
    /// </summary>
    public static void EnsureLinksStayInside(string modelDir)
    {
        var root = Path.GetFullPath(modelDir);
        var realRoot = RealPath(root);
        var pending = new Stack<string>();
        pending.Push(root);
        var seen = 0;
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos())
            {
                if (++seen > Limits.MaxEntriesInModelFolder)
                    throw new ModelReadException(root, $"more than {Limits.MaxEntriesInModelFolder} files and folders inside the model");
                if (entry.LinkTarget is not null)
                {
                    if (!IsUnder(realRoot, RealPath(entry.FullName)))
                        throw new ModelReadException(root, $"'{Path.GetRelativePath(root, entry.FullName)}' is a symbolic link that leaves the model folder");
                }
                else if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
            }
        }
    }

    /// <summary>Links followed while resolving one path before it counts as a loop (as the kernel's ELOOP bound).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The path with every symbolic link along it resolved — also links inside link targets — with missing tail
    /// components kept as they are.
    /// </summary>
    public static string RealPath(string path)
    {
        var hops = 0;
        return RealPath(Path.GetFullPath(path), ref hops, path);
    }

    private static string RealPath(string full, ref int hops, string original)
    {
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full) ?? "/";
        foreach (var part in parts)
        {
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is not null)
            {
                if (++hops > MaxLinkHops)
                    throw new ModelReadException(original, $"symbolic links nested more than {MaxLinkHops} deep or in a loop");
                // The target may itself pass through links (even relative ones): resolve it the same way.
                next = RealPath(Path.GetFullPath(target, current), ref hops, original);
            }
            current = next;
        }
        return current;
    }
}
