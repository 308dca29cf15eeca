using System.Text;
using AneCompat.Output;

namespace AneCompat.Reporting;

/// <summary>LOGDIR: report.json, report.sarif, report.html and segments.txt, each written atomically.</summary>
public static class LogDirWriter
{
    public static readonly IReadOnlyList<string> FileNames = new[] { "report.json", "report.sarif", "report.html", "segments.txt" };

    public static void Write(Report report, string logDir)
    {
        Directory.CreateDirectory(logDir);
        AtomicFile.Write(Path.Combine(logDir, "report.json"), s => JsonReportWriter.Write(report, s));
        AtomicFile.Write(Path.Combine(logDir, "report.sarif"), s => SarifReportWriter.Write(report, s));
        AtomicFile.Write(Path.Combine(logDir, "report.html"), s => HtmlReportWriter.Write(report, s));
        AtomicFile.Write(Path.Combine(logDir, "segments.txt"), s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            SegmentsTextWriter.Write(report, w);
        });
    }
}
