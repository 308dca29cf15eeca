using System.CommandLine;
using AneCompat.Rules.Catalog;

namespace AneCompat.Cli.Commands;

/// <summary><c>anecompat explain RULE-ID</c>: one rule in full, like <c>ruff rule CODE</c>.</summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("RULE-ID") { Description = "A rule id such as CONV-KW or DTYPE-FP32 (see anecompat rules)." };
        var cmd = new Command("explain", "Explain one rule: what it checks, why it matters, its evidence, confidence, chips and fix.") { id };
        cmd.SetAction(parse =>
        {
            var catalog = RuleCatalog.Default;
            var wanted = parse.GetValue(id)!.Trim();
            var rule = catalog.Find(wanted) ?? catalog.Find(wanted.ToUpperInvariant());
            if (rule is null)
            {
                var close = Closest(wanted, catalog.Rules.Select(r => r.Id));
                parse.InvocationConfiguration.Error.WriteLine(
                    $"anecompat: no rule '{wanted}'" + (close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : "; see anecompat rules"));
                return ExitCodes.InputError;
            }
            parse.InvocationConfiguration.Output.Write(CatalogDocs.Explain(rule, catalog));
            return ExitCodes.FullyCompatible;
        });
        return cmd;
    }

    /// <summary>Up to three ids by edit distance (plus ids containing the query), nearest first.</summary>
    internal static List<string> Closest(string query, IEnumerable<string> ids)
    {
        var q = query.ToUpperInvariant();
        return ids.Select(i => (Id: i, D: i.Contains(q, StringComparison.Ordinal) ? 0 : Distance(q, i)))
            .Where(x => x.D <= Math.Max(3, q.Length / 3))
            .OrderBy(x => x.D).ThenBy(x => x.Id, StringComparer.Ordinal)
            .Take(3).Select(x => x.Id).ToList();
    }

    private static int Distance(string a, string b)
    {
        var prev = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var cur = new int[b.Length + 1];
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            prev = cur;
        }
        return prev[b.Length];
    }
}
