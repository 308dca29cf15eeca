namespace AneCompat.Cli.Commands;

/// <summary>Edit distance, to name the nearest valid option, rule id or op name when the user mistypes one.</summary>
internal static class NearestName
{
    /// <summary>The candidate nearest to <paramref name="query"/> (case-insensitive), or null when there are none.</summary>
    public static string? Nearest(string query, IEnumerable<string> candidates) =>
        candidates.Select(c => (Name: c, D: Distance(query.ToUpperInvariant(), c.ToUpperInvariant())))
            .OrderBy(x => x.D).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).FirstOrDefault();

    /// <summary>Up to <paramref name="count"/> candidates by edit distance (plus those containing the query), nearest first.</summary>
    public static List<string> Closest(string query, IEnumerable<string> candidates, int count = 3)
    {
        var q = query.ToUpperInvariant();
        return candidates.Select(c => (Name: c, D: c.ToUpperInvariant().Contains(q, StringComparison.Ordinal) ? 0 : Distance(q, c.ToUpperInvariant())))
            .Where(x => x.D <= Math.Max(3, q.Length / 3))
            .OrderBy(x => x.D).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(count).Select(x => x.Name).ToList();
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
