namespace AneCompat.Bench;

/// <summary>The process's peak resident set size, from VmHWM in /proc/self/status (Linux only).</summary>
internal static class PeakRss
{
    public static long? Bytes()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        foreach (var line in File.ReadLines(status))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            var parts = line["VmHWM:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length > 0 && long.TryParse(parts[0], out var kib) ? kib * 1024 : null;
        }
        return null;
    }

    public static string Describe() => Bytes() is { } b ? $"{b / (1024.0 * 1024.0):F1} MiB" : "n/a (no /proc/self/status)";
}
