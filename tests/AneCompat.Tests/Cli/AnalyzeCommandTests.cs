using AneCompat.Tests.Support;
using AneCompat.Targets;

namespace AneCompat.Tests.Cli;

public class AnalyzeCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var r = CliRunner.Run(args);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    private static string AnyPath => Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".mlmodel");

    [Theory]
    [InlineData("--target", "A99")]
    [InlineData("--format", "xml")]
    [InlineData("--compute-units", "ane-only")]
    public void BadOptionValuesExit5(string option, string value)
    {
        var (code, _, err) = Run(AnyPath, option, value);
        Assert.Equal(5, code);
        Assert.Contains(value, err);
    }

    [Fact]
    public void ParseErrorsAreInputErrorsNotPartialCompatibility()
    {
        // System.CommandLine would exit 1 here, which ANECompat's callers read as "partially compatible".
        var (code, _, err) = Run(AnyPath, "logs", "unexpected-third-argument");
        Assert.Equal(5, code);
        Assert.Contains("unexpected-third-argument", err);
        Assert.Equal(5, Run(AnyPath, "--target").Code);
    }

    [Fact]
    public void MatrixIsNotWrittenAsSarif()
    {
        Assert.Equal(5, Run(AnyPath, "--target", "all", "--format", "sarif").Code);
    }

    [Fact]
    public void MissingModelExits3WithOneLine()
    {
        var (code, _, err) = Run(AnyPath);
        Assert.Equal(3, code);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void NoModelPathExits5()
    {
        Assert.Equal(5, Run().Code);
    }

    [Fact]
    public void HelpStatesTheDefaultTargetAndTheChoices()
    {
        var (code, wrapped, _) = Run("--help");
        Assert.Equal(0, code);
        var output = string.Join(' ', wrapped.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)); // help wraps at the width
        Assert.Contains($"Default: {ChipProfiles.DefaultName}", output);
        Assert.Contains("cpu-and-ne", output);
        Assert.Contains("sarif", output);
        Assert.Contains("dump", output);
    }
}
