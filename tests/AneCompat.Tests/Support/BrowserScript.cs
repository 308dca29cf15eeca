using System.Diagnostics;
using AneCompat.Tests.Reporting;

namespace AneCompat.Tests.Support;

/// <summary>Runs one of tests/browser's node scripts (headless chromium through playwright-core) and returns its "OK …" line.</summary>
public static class BrowserScript
{
    private static readonly string BrowserDir = Path.Combine(Corpus.RepoRoot, "tests", "browser");

    public static string Run(string script, IEnumerable<string> args)
    {
        var missing = HtmlBrowserTests.MissingTool();
        Assert.True(missing is null, $"browser test cannot run: {missing}");
        var psi = new ProcessStartInfo("node") { WorkingDirectory = BrowserDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the browser check did not finish in 3 minutes");
        }
        Assert.True(p.ExitCode == 0, $"browser check failed (exit {p.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        Assert.StartsWith("OK ", stdout.Result);
        return stdout.Result;
    }
}
