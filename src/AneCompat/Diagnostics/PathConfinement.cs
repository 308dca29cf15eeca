namespace AneCompat.Diagnostics;

/// <summary>
/// Keeps paths named inside a model (Manifest.json entries, weight references) inside the model's folder:
/// no absolute paths, no <c>..</c>, no symbolic links that lead out. Links are resolved physically, as the kernel
/// follows them — one component at a time against the already resolved (link-free) prefix — never by collapsing
/// <c>..</c> in the text: <c>up -> ..</c> followed by <c>up/../../x</c> is two levels above the link's folder.
/// </summary>
public static class PathConfinement
{
    /// <summary>
    /// Resolves <paramref name="relative"/> under <paramref name="root"/> or throws naming what is wrong. The result
    /// is the path as written under <paramref name="root"/> when no link along it redirects, else the resolved
    /// path — so the file opened is the file that was checked.
    /// </summary>
    public static string Resolve(string root, string relative, string what)
    {
        var fullRoot = Path.GetFullPath(root);
        CheckShape(fullRoot, relative, what);

        var candidate = Path.GetFullPath(Path.Combine(fullRoot, relative));
        if (!IsUnder(fullRoot, candidate))
            throw new ModelReadException(fullRoot, $"{what} '{SafeText.Quote(relative)}' leaves the model folder");

        var realRoot = RealPath(fullRoot);
        var real = RealPath(candidate);
        if (!IsUnder(realRoot, real))
            throw new ModelReadException(fullRoot, $"{what} '{SafeText.Quote(relative)}' is a symbolic link that leaves the model folder");
        var unlinked = Path.GetFullPath(Path.Combine(realRoot, relative));
        return real == unlinked ? candidate : real;
    }

    /// <summary>The checks a path named inside a model must pass before anything on disk is looked at.</summary>
    private static void CheckShape(string fullRoot, string relative, string what)
    {
        if (relative.Length == 0)
            throw new ModelReadException(fullRoot, $"{what} is empty");
        // Length first, so an enormous path is refused before it is split, scanned again or quoted in a message.
        if (relative.Length > Limits.MaxPathLength)
            throw new ModelReadException(fullRoot, $"{what} is {relative.Length} characters long, over the limit of {Limits.MaxPathLength}");
        if (relative.Contains('\0'))
            throw new ModelReadException(fullRoot, $"{what} contains a NUL character");
        var components = 1;
        foreach (var c in relative)
            if (c is '/' or '\\') components++;
        if (components > Limits.MaxPathComponents)
            throw new ModelReadException(fullRoot, $"{what} has {components} path components, over the limit of {Limits.MaxPathComponents}");
        if (Path.IsPathRooted(relative) || relative.StartsWith('/') || relative.StartsWith('\\'))
            throw new ModelReadException(fullRoot, $"{what} '{SafeText.Quote(relative)}' is an absolute path; it must stay inside the model");
        if (relative.Split('/', '\\').Any(p => p == ".."))
            throw new ModelReadException(fullRoot, $"{what} '{SafeText.Quote(relative)}' uses '..' to leave the model folder");
    }

    private static bool IsUnder(string root, string path)
    {
        var trimmed = root.Length > 1 ? root.TrimEnd(Path.DirectorySeparatorChar) : root;
        if (path == trimmed) return true;
        var r = trimmed.EndsWith(Path.DirectorySeparatorChar) ? trimmed : trimmed + Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }

    /// <summary>
    /// Refuses a model folder (.mlpackage, .mlmodelc) in which any symbolic link leads outside it, or which holds a
    /// FIFO, socket or device (opening one would block or read a device), before any decoder opens a file there:
    /// every file a decoder reads by a fixed name is then confined too.
    /// </summary>
    public static void EnsureLinksStayInside(string modelDir)
    {
        var root = Path.GetFullPath(modelDir);
        var realRoot = RealPath(root);
        var pending = new Stack<string>();
        // Walk the real folder: every parent below is then link-free, and each link is resolved from its real folder.
        pending.Push(realRoot);
        var seen = 0;
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos())
            {
                if (++seen > Limits.MaxEntriesInModelFolder)
                    throw new ModelReadException(root, $"more than {Limits.MaxEntriesInModelFolder} files and folders inside the model");
                var relative = Path.GetRelativePath(realRoot, entry.FullName);
                if (entry.LinkTarget is not null)
                {
                    var real = RealPath(entry.FullName);
                    if (!IsUnder(realRoot, real))
                        throw new ModelReadException(root, $"'{SafeText.Quote(relative)}' is a symbolic link that leaves the model folder");
                    if (IsSpecialFile(real))
                        throw new ModelReadException(root, $"'{SafeText.Quote(relative)}' is a symbolic link to a FIFO, socket or device, not a file");
                }
                else if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
                else if (IsSpecialFile(entry.FullName))
                {
                    throw new ModelReadException(root, $"'{SafeText.Quote(relative)}' is a FIFO, socket or device, not a file");
                }
            }
        }
    }

    private static bool IsSpecialFile(string path) => FileKinds.Of(path) is FileKind.Special;

    /// <summary>
    /// The path with every symbolic link along it resolved — also links inside link targets — and <c>..</c> applied
    /// to the resolved prefix (as the kernel does), with missing tail components kept as they are.
    /// Linear in the path: one link lookup per component, at most <see cref="Limits.MaxLinkHops"/> links.
    /// </summary>
    public static string RealPath(string path)
    {
        var absolute = Path.IsPathRooted(path) ? path : Path.Combine(Directory.GetCurrentDirectory(), path);
        var rootPart = Path.GetPathRoot(absolute) ?? "/";
        // Components still to resolve, last one at the bottom: a link's target is pushed in front of the rest.
        var pending = new Stack<string>();
        PushComponents(pending, absolute[rootPart.Length..]);
        var current = rootPart;
        var hops = 0;
        var missing = false;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                // current is free of links, so its textual parent is its physical parent.
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Combine(current, part);
            if (!missing)
            {
                string? target;
                try { target = new FileInfo(next).LinkTarget; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { target = null; }
                if (target is not null)
                {
                    if (++hops > Limits.MaxLinkHops)
                        throw new ModelReadException(path, $"symbolic links nested more than {Limits.MaxLinkHops} deep or in a loop");
                    if (target.Length > Limits.MaxPathLength)
                        throw new ModelReadException(path, $"a symbolic link's target is {target.Length} characters long, over the limit of {Limits.MaxPathLength}");
                    // The target may itself pass through links (even relative ones) and '..': resolve it the same way,
                    // relative to the link's (resolved) folder, or from the file system root when absolute.
                    if (Path.IsPathRooted(target))
                    {
                        var targetRoot = Path.GetPathRoot(target) ?? "/";
                        current = targetRoot;
                        PushComponents(pending, target[targetRoot.Length..]);
                    }
                    else
                    {
                        PushComponents(pending, target);
                    }
                    continue;
                }
                if (!File.Exists(next) && !Directory.Exists(next)) missing = true;
            }
            current = next;
        }
        return current;
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split(new[] { '/', Path.DirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }
}
