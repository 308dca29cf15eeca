using System.Text;
using AneCompat.Output;

namespace AneCompat.Reporting;

/// <summary>LOGDIR: report.json, report.sarif, report.html and segments.txt, each written atomically.</summary>
public static class LogDirWriter
{
    public static readonly IReadOnlyList<string> FileNames = new[] { "report.json", "report.sarif", "report.html", "segments.txt" };

    /// <param name="protectedPaths">The model the report was made from: never written over (e.g. a LOGDIR inside an .mlpackage).</param>
    public static void Write(Report report, string logDir, IEnumerable<string>? protectedPaths = null)
    {
        var inputs = protectedPaths?.ToArray();
        AtomicFile.Write(Path.Combine(logDir, "report.json"), s => JsonReportWriter.Write(report, s), inputs);
        AtomicFile.Write(Path.Combine(logDir, "report.sarif"), s => SarifReportWriter.Write(report, s), inputs);
        AtomicFile.Write(Path.Combine(logDir, "report.html"), s => HtmlReportWriter.Write(report, s), inputs);
        AtomicFile.Write(Path.Combine(logDir, "segments.txt"), s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            SegmentsTextWriter.Write(report, w);
        }, inputs);
    }
}
