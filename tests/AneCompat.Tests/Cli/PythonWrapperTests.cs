using System.Diagnostics;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>Runs the Python wrapper's own unittest suite against the CLI built with these tests.</summary>
public class PythonWrapperTests
{
    // Not a corpus test: the Python suite skips its own corpus cases when the corpus is absent.
    [Fact]
    public void PythonWrapperSuitePasses()
    {
        var python = FindOnPath("python3");
        if (python is null)
        {
            // CI machines have python3; a developer machine without it cannot exercise the wrapper.
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "python3 is required in CI");
            return;
        }
        var cliDll = Path.Combine(AppContext.BaseDirectory, "AneCompat.Cli.dll");
        var start = new ProcessStartInfo(python, "-m unittest discover -s python/tests -v")
        {
            WorkingDirectory = Corpus.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ANECOMPAT_CLI"] = cliDll;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "python tests timed out");
        Assert.True(process.ExitCode == 0, $"python wrapper tests failed:\n{stderr.Result}\n{stdout.Result}");
        Assert.Contains("OK", stderr.Result);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
