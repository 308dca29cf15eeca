using System.Reflection;

namespace AneCompat.Reporting;

/// <summary>
/// The HTML report's script, style sheet and the bundled graph-layout library (@dagrejs/dagre, MIT), all embedded
/// resources built from Reporting/Html/ (see HtmlAssets.targets), read once.
/// </summary>
internal static class HtmlReportAssets
{
    private static readonly Lazy<string> css = new(() => Read("report.css"));
    private static readonly Lazy<string> script = new(() => Read("report.js"));
    private static readonly Lazy<string> layout = new(() =>
        "/*! @dagrejs/dagre (bundled for offline use)\n" + Read("dagre.LICENSE").Replace("*/", "* /") + "\n*/\n"
        + string.Join('\n', Read("dagre.min.js").Split('\n').Where(l => !l.StartsWith("//# sourceMappingURL", StringComparison.Ordinal))));

    public static string Css => css.Value;
    public static string Script => script.Value;

    /// <summary>The layout library, defining the global <c>dagre</c>, with its license kept.</summary>
    public static string LayoutLibrary => layout.Value;

    private static string Read(string name)
    {
        var resource = "AneCompat.Reporting.Html." + name;
        using var stream = typeof(HtmlReportAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing from the build");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        // Inline in a <script> or <style> element, the text must not end it early.
        if (text.Contains("</script", StringComparison.OrdinalIgnoreCase) || text.Contains("</style", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{resource} contains a closing script/style tag and cannot be inlined");
        return text;
    }
}
