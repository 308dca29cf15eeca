using AneCompat.Tests.Fuzzing;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Robustness;

/// <summary>
/// Every input under Regressions/ (copied to the test output by the csproj) once broke the reader: each must now give
/// a graph or one clean ModelReadException, quickly. Folder entries are whole models (.mlpackage, .mlmodelc).
/// </summary>
public class RegressionTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "Regressions");

    public static IEnumerable<object[]> Inputs() =>
        Directory.EnumerateFileSystemEntries(Dir)
            .Where(p => !Path.GetFileName(p).Equals("README.md", StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => new object[] { Path.GetFileName(p) });

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ReadsCleanly(string name)
    {
        // Read a copy: inputs are hostile, and the output folder must not change either.
        using var t = new TempDir();
        var source = Path.Combine(Dir, name);
        var copy = Path.Combine(t.Path, name);
        if (Directory.Exists(source)) FuzzRunner.CopyFolder(source, copy);
        else File.Copy(source, copy);

        var read = Task.Run(() => ReadOutcome.Classify(copy));
        Assert.True(read.Wait(TimeSpan.FromSeconds(5)), $"{name}: reading took more than 5 s");
        Assert.True(read.Result.Kind is OutcomeKind.Graph or OutcomeKind.ReadError, $"{name}: {read.Result.Kind}: {read.Result.Detail}");

        var cli = CliRunner.Run("dump", copy);
        Assert.True(cli.ExitCode is 0 or 3, $"{name}: exit {cli.ExitCode}: {cli.Stderr}");
        Assert.DoesNotContain("   at ", cli.Stderr);
        if (cli.ExitCode == 3) Assert.Single(cli.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void RegressionFolderIsCopiedToTheOutput() => Assert.NotEmpty(Inputs());
}
