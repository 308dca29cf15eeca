using System.Security.Cryptography;

namespace AneCompat.Tests.Support;

/// <summary>SHA-256 of every file under a folder (the corpus by default), to prove reading changed nothing.</summary>
public static class CorpusHashes
{
    public static SortedDictionary<string, string> Snapshot(string? dir = null)
    {
        dir ??= Corpus.Dir;
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
        {
            using var s = File.OpenRead(file);
            result[Path.GetRelativePath(dir, file)] = Convert.ToHexString(SHA256.HashData(s));
        }
        foreach (var d in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories))
            result[Path.GetRelativePath(dir, d) + "/"] = "folder";
        return result;
    }

    public static void AssertUnchanged(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var changed = before.Keys.Union(after.Keys)
            .Where(k => !before.TryGetValue(k, out var a) || !after.TryGetValue(k, out var b) || a != b)
            .ToList();
        Assert.True(changed.Count == 0, "files changed, added or removed: " + string.Join(", ", changed));
    }
}
