namespace AneCompat.Containers;

/// <summary>
/// Mount points of the kernel's own file systems (proc, sysfs, devpts, cgroup …), read from
/// <c>/proc/self/mountinfo</c>. A folder scan does not descend into them: they hold no models, tens of thousands of
/// entries, and folders no one may list (<c>anecompat /</c> otherwise reports every <c>/proc/N/task/…/fdinfo</c> as
/// an unreadable folder and exits 3). tmpfs is not among them: /tmp and /dev/shm may well hold models.
/// </summary>
public static class KernelFileSystems
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "securityfs", "debugfs", "tracefs", "bpf",
        "pstore", "configfs", "fusectl", "mqueue", "hugetlbfs", "binfmt_misc", "autofs", "efivarfs", "selinuxfs",
        "nsfs", "rpc_pipefs",
    };

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Current = new(() => Read("/proc/self/mountinfo"));

    /// <summary>This machine's kernel file system mount points (mount point → type); empty where there is no mountinfo.</summary>
    public static IReadOnlyDictionary<string, string> MountPoints => Current.Value;

    /// <summary>Parses a mountinfo file: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL…] - TYPE SOURCE SUPER".</summary>
    public static IReadOnlyDictionary<string, string> Read(string mountinfo)
    {
        var mounts = new Dictionary<string, string>(StringComparer.Ordinal);
        IEnumerable<string> lines;
        try { lines = File.ReadLines(mountinfo).Take(100_000).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return mounts; }
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            var dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 5 || dash + 1 >= fields.Length) continue;
            if (Types.Contains(fields[dash + 1])) mounts[Unescape(fields[4])] = fields[dash + 1];
        }
        return mounts;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash in paths as three-digit octal escapes.</summary>
    private static string Unescape(string path)
    {
        if (!path.Contains('\\')) return path;
        var s = new System.Text.StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 3 < path.Length && path.Substring(i + 1, 3).All(c => c is >= '0' and <= '7'))
            {
                s.Append((char)Convert.ToInt32(path.Substring(i + 1, 3), 8));
                i += 3;
            }
            else s.Append(path[i]);
        }
        return s.ToString();
    }
}
