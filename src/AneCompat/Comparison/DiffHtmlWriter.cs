using AneCompat.Reporting;

namespace AneCompat.Comparison;

/// <summary>
/// <c>anecompat diff OLD NEW --format html</c>: one offline page with the two versions side by side, each drawn by the
/// report page's own view (graph, segment bar, op table, details), the ops that moved on or off the ANE marked in both
/// and linked to each other, the new and gone findings and the verdict. The page's data is one JSON object:
/// <c>{"diff": the --format json document, "matchedOps": [[old, new], …], "old": report, "new": report}</c>.
/// </summary>
public static class DiffHtmlWriter
{
    public static void Write(ReportDiff diff, Report oldReport, Report newReport, Stream stream)
    {
        var title = $"ANECompat diff: {Path.GetFileName(oldReport.Model.Path.TrimEnd('/', '\\'))} → {Path.GetFileName(newReport.Model.Path.TrimEnd('/', '\\'))} on {newReport.Target.Name}";
        HtmlReportWriter.WritePage(stream, title, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("diff");
            DiffWriters.WriteJson(diff, w);
            w.WriteStartArray("matchedOps");
            foreach (var p in diff.MatchedOps)
            {
                w.WriteStartArray();
                w.WriteNumberValue(p.Old);
                w.WriteNumberValue(p.New);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WritePropertyName("old");
            JsonReportWriter.WriteReport(w, oldReport);
            w.WritePropertyName("new");
            JsonReportWriter.WriteReport(w, newReport);
            w.WriteEndObject();
        });
    }
}
