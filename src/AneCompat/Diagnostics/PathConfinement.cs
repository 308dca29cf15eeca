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

    /// <summary>The path with every symbolic link along it resolved (missing tail components kept as they are).</summary>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full) ?? "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                next = target?.FullName ?? next;
            }
            current = next;
        }
        return current;
    }
}
