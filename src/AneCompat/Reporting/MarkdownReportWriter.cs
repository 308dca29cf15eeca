using AneCompat.Planning;
using AneCompat.Rules;

namespace AneCompat.Reporting;

/// <summary>
/// <c>--format markdown</c>: a short GitHub-flavoured summary for a CI step summary (<c>$GITHUB_STEP_SUMMARY</c>) or
/// a pull-request comment: the verdict, one row per model, and the findings that take work off the ANE (marked
/// "new" when a baseline is in force and did not know them).
/// </summary>
public static class MarkdownReportWriter
{
    /// <param name="names">How each model is named (its path relative to the folder or the working folder).</param>
    /// <param name="isNew">Whether a finding is new against the baseline; null when there is no baseline.</param>
    /// <param name="gateLine">The gate's one-line outcome, shown under the verdict.</param>
    public static void Write(IReadOnlyList<Report> reports, IReadOnlyList<UnreadableModel> unreadable, TextWriter w,
        Func<string, string> names, Func<Report, ReportOp?, Finding, bool>? isNew = null, string? gateLine = null)
    {
        var worst = reports.Select(r => r.Status).DefaultIfEmpty(CompatibilityStatus.FullyCompatible).Max();
        var target = reports.FirstOrDefault()?.Target.Name ?? "-";
        var units = reports.FirstOrDefault() is { } first ? ComputeUnitNames.ToName(first.ComputeUnits) : "-";
        var icon = unreadable.Count > 0 || worst == CompatibilityStatus.NotCompatible ? "❌" : worst == CompatibilityStatus.Partial ? "⚠️" : "✅";
        var counts = string.Join(", ", new[]
        {
            (reports.Count(r => r.Status == CompatibilityStatus.FullyCompatible), "fully compatible"),
            (reports.Count(r => r.Status == CompatibilityStatus.Partial), "partially compatible"),
            (reports.Count(r => r.Status == CompatibilityStatus.NotCompatible), "not compatible"),
            (unreadable.Count, "unreadable"),
        }.Where(x => x.Item1 > 0).Select(x => $"{x.Item1} {x.Item2}"));
        w.WriteLine($"### {icon} ANECompat: {counts} — {Markdown.Cell(target)}, compute units {units}");
        w.WriteLine();
        if (gateLine is not null) { w.WriteLine(Markdown.Cell(gateLine)); w.WriteLine(); }

        w.WriteLine("| model | status | compute ops on the ANE | off the ANE because of |");
        w.WriteLine("|---|---|---|---|");
        foreach (var r in reports.Take(Markdown.MaxRows))
        {
            var blocking = r.Rules.Where(x => x.Effect.BlocksAne()).Select(x => x.RuleId).Take(6).ToList();
            w.WriteLine($"| `{Markdown.Code(names(r.Model.Path))}` | {(int)r.Status} {r.Status.ToName()} | {r.Counts.AneOps}/{r.Counts.ComputeOps} | {(blocking.Count == 0 ? "–" : string.Join(", ", blocking))} |");
        }
        foreach (var u in unreadable.Take(Markdown.MaxRows))
            w.WriteLine($"| `{Markdown.Code(names(u.Path))}` | 3 unreadable | – | {Markdown.Cell(u.Error)} |");
        if (reports.Count + unreadable.Count > 2 * Markdown.MaxRows) w.WriteLine("| … | | | |");
        w.WriteLine();

        var rows = new List<string>();
        foreach (var r in reports)
        {
            foreach (var f in r.ModelFindings) rows.Add(Row(r, null, f));
            foreach (var op in r.Ops)
                foreach (var f in op.Findings) rows.Add(Row(r, op, f));
        }
        if (rows.Count == 0) return;
        w.WriteLine("<details><summary>Findings (" + rows.Count + ")</summary>");
        w.WriteLine();
        w.WriteLine(isNew is null ? "| rule | effect | model | op | fix |" : "| rule | effect | model | op | fix | new |");
        w.WriteLine(isNew is null ? "|---|---|---|---|---|" : "|---|---|---|---|---|---|");
        foreach (var row in rows.Take(Markdown.MaxRows)) w.WriteLine(row);
        if (rows.Count > Markdown.MaxRows) w.WriteLine($"| … {rows.Count - Markdown.MaxRows} more | | | | |" + (isNew is null ? "" : " |"));
        w.WriteLine();
        w.WriteLine("</details>");

        string Row(Report r, ReportOp? op, Finding f) =>
            $"| {f.RuleId} | {f.Effect.Label()} | `{Markdown.Code(names(r.Model.Path))}` | {(op is null ? "(model)" : Markdown.Cell(op.DisplayName))} | {Markdown.Cell(f.Fix ?? "–")} |"
            + (isNew is null ? "" : isNew(r, op, f) ? " **new** |" : " |");
    }
}
