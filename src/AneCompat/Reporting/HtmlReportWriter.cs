using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AneCompat.Reporting;

/// <summary>
/// <c>--format html</c>: one self-contained offline page (inline CSS and JS, no external URL). The report's JSON is
/// embedded in a script element and the page draws from it: a header saying why the status is what it is, the
/// dataflow graph coloured by device (laid out by the bundled dagre, region by region, so 10,000 ops stay usable),
/// the segment bar and a virtualised op table linked both ways with the graph. A folder of models becomes one
/// dashboard page whose rows open each model's own view; <c>--target all</c> adds the chip × status matrix; two
/// versions of a model (<c>diff --format html</c>, Comparison/DiffHtmlWriter) become two such views side by side.
/// </summary>
public static class HtmlReportWriter
{
    public static void Write(Report report, Stream stream) => Write(report, stream, null);

    /// <param name="targets">With <c>--target all</c>: every chip's result, shown as a matrix in the header.</param>
    public static void Write(Report report, Stream stream, TargetMatrix? targets)
    {
        var title = $"ANECompat: {Path.GetFileName(report.Model.Path.TrimEnd('/', '\\'))} on {report.Target.Name}";
        WritePage(stream, title, w => JsonReportWriter.WriteReport(w, report, targets));
    }

    /// <summary>The folder dashboard: every model's status, ANE share and top blocking rules, each row opening the model's own view.</summary>
    public static void Write(FolderReport folder, Stream stream)
    {
        var title = $"ANECompat: {folder.Models.Count + folder.Unreadable.Count} models in {Path.GetFileName(folder.Folder.TrimEnd('/', '\\'))}";
        WritePage(stream, title, w => JsonReportWriter.WriteFolder(w, folder));
    }

    /// <summary>The page around <paramref name="data"/>: the JSON the script draws from (a report, a folder or a diff).</summary>
    internal static void WritePage(Stream stream, string title, Action<Utf8JsonWriter> data)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        writer.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // No network at all: the page may only use what is inline.
        writer.Write("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n");
        writer.Write($"<title>{WebUtility.HtmlEncode(title)}</title>\n<style>{HtmlReportAssets.Css}</style>\n</head>\n<body>\n<div id=\"app\"></div>\n");
        writer.Write("<script type=\"application/json\" id=\"report-data\">");
        writer.Flush();
        // Default encoder escapes <, > and & as \u003C…, so no "</script>" can appear inside the data.
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.Default }))
            data(json);
        stream.Flush();
        writer.Write("</script>\n<script>");
        writer.Write(HtmlReportAssets.LayoutLibrary);
        writer.Write("</script>\n<script>");
        writer.Write(HtmlReportAssets.Script);
        writer.Write("</script>\n</body>\n</html>\n");
    }
}
