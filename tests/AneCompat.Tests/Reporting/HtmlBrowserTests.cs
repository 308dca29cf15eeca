using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// Opens generated HTML reports in Debian's headless chromium via playwright-core (tests/browser, installed by
/// .ci/setup). Skipped, with the reason, only when chromium, node or playwright-core is missing; in CI it runs.
/// </summary>
public class HtmlBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string BrowserDir = Path.Combine(Corpus.RepoRoot, "tests", "browser");

    internal static string? MissingTool()
    {
        if (!File.Exists(Chromium)) return $"{Chromium} is not installed (run .ci/setup)";
        if (FindOnPath("node") is null) return "node is not on PATH";
        if (!File.Exists(Path.Combine(BrowserDir, "node_modules", "playwright-core", "package.json"))) return "playwright-core is not installed in tests/browser (run .ci/setup)";
        return null;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static void Check(Report report, int op, string rule)
    {
        var html = Path.Combine(Path.GetTempPath(), $"anecompat-{Guid.NewGuid():N}.html");
        try
        {
            global::AneCompat.Output.AtomicFile.Write(html, s => HtmlReportWriter.Write(report, s));
            BrowserScript.Run("check-report.mjs", [html, "--segments", report.Segments.Count.ToString(), "--op", op.ToString(), "--finding", rule]);
        }
        finally { File.Delete(html); }
    }


    [BrowserFact]
    public void SmallReportWorksInChromium()
    {
        var report = SampleReports.ConvCustomConv();
        Check(report, 1, "MODEL-CUSTOM");
    }

    [BrowserFact]
    public void TenThousandOpReportStaysUsable()
    {
        var report = SampleReports.Large(10_000);
        Assert.Equal(10_000, report.Ops.Count);
        Assert.Equal(80, report.Segments.Count); // 40 custom layers cut 40 ANE runs: ANE, CPU, ANE, CPU, …
        var lastCustom = report.Ops.Last(o => o.Kind == "custom").Index;
        Check(report, lastCustom, "MODEL-CUSTOM");
    }
}

/// <summary>
/// A fact that is skipped, with the reason, when chromium, node or playwright-core is missing — except under CI=true,
/// where it runs and fails so that a broken .ci/setup cannot pass unnoticed.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        var missing = HtmlBrowserTests.MissingTool();
        if (missing is not null && Environment.GetEnvironmentVariable("CI") != "true") Skip = missing;
    }
}
