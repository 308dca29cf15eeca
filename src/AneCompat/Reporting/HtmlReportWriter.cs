using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>
/// <c>--format html</c>: one self-contained offline page (inline CSS and JS, no external URL). The report's JSON is
/// embedded in a script element and the page draws from it: the verdict, a bar of segments coloured by device, and a
/// virtualised op list (only the rows in view exist in the DOM, so 10,000 ops stay fast); clicking an op shows its
/// findings, clicking a segment jumps to its first op.
/// </summary>
public static class HtmlReportWriter
{
    public static void Write(Report report, Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var title = $"ANECompat: {Path.GetFileName(report.Model.Path.TrimEnd('/', '\\'))} on {report.Target.Name}";
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        writer.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // No network at all: the page may only use what is inline.
        writer.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
        writer.Write($"<title>{WebUtility.HtmlEncode(title)}</title>\n<style>{HtmlReportAssets.Css}</style>\n</head>\n<body>\n");
        writer.Write(HtmlReportAssets.Body);
        writer.Write("\n<script type=\"application/json\" id=\"report-data\">");
        writer.Flush();
        // Default encoder escapes <, > and & as \u003C…, so no "</script>" can appear inside the data.
        JsonReportWriter.Write(report, stream, indented: false, JavaScriptEncoder.Default);
        stream.Flush();
        writer.Write("</script>\n<script>");
        writer.Write(HtmlReportAssets.Script);
        writer.Write("</script>\n</body>\n</html>\n");
    }
}
