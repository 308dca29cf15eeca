using System.Text.Json;
using AneCompat.Cli.Help;
using AneCompat.Rules.Catalog;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>
/// The command line refuses what it does not understand (exit 5, one line naming the option and the nearest valid
/// one) instead of taking it as LOGDIR; help is per command and lists the exit codes; explain takes op names; rules
/// --json carries the status tables; narrow output never breaks a rule id. Runs against the NativeAOT binary too
/// (ANECOMPAT_CLI_UNDER_TEST).
/// </summary>
public class UsageTests
{
    private static readonly string Sample = Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");

    private static string OneLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + stderr);
        return lines[0];
    }

    [Fact]
    public void AMistypedOptionIsAnErrorNotALogDir()
    {
        var cwd = Directory.GetCurrentDirectory();
        var r = CliRunner.Run(Sample, "--frobnicate");
        Assert.Equal(5, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = OneLine(r.Stderr);
        Assert.Contains("unknown option '--frobnicate'", line);
        Assert.Contains("'--format'", line);
        Assert.False(Directory.Exists(Path.Combine(cwd, "--frobnicate")), "a folder named --frobnicate was created");
    }

    [Theory]
    [InlineData("--taget", "--target")]
    [InlineData("--exit-zer", "--exit-zero")]
    [InlineData("--ouput", "--output")]
    public void UnknownOptionsNameTheNearestValidOne(string typo, string nearest)
    {
        var r = CliRunner.Run(Sample, typo, "A17Pro");
        Assert.Equal(5, r.ExitCode);
        var line = OneLine(r.Stderr);
        Assert.Contains($"'{typo}'", line);
        Assert.Contains($"'{nearest}'", line);
    }

    [Fact]
    public void SubcommandOptionsAreCheckedToo()
    {
        var r = CliRunner.Run("dump", Sample, "--jsn");
        Assert.Equal(5, r.ExitCode);
        var line = OneLine(r.Stderr);
        Assert.Contains("'--jsn'", line);
        Assert.Contains("anecompat dump", line);
        Assert.Contains("'--json'", line);
    }

    [Fact]
    public void ASurplusArgumentIsNamedWithTheUsage()
    {
        var r = CliRunner.Run(Sample, Path.Combine(Path.GetTempPath(), "logs-" + Guid.NewGuid().ToString("N")), "extra");
        Assert.Equal(5, r.ExitCode);
        var line = OneLine(r.Stderr);
        Assert.Contains("'extra'", line);
        Assert.Contains("MODELPATH", line);
    }

    [Fact]
    public void ALogDirThatLooksLikeAnOptionIsAcceptedOnlyAfterDoubleDash()
    {
        var name = "-logs-" + Guid.NewGuid().ToString("N");
        var dir = Path.Combine(Directory.GetCurrentDirectory(), name);
        try
        {
            Assert.Equal(5, CliRunner.Run(Sample, name).ExitCode);
            Assert.False(Directory.Exists(dir));
            var r = CliRunner.Run("--exit-zero", "--", Sample, name);
            Assert.Equal(0, r.ExitCode);
            Assert.True(File.Exists(Path.Combine(dir, "report.json")), r.Stderr);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void RootHelpListsTheExitCodesAndTwoExamples()
    {
        var r = CliRunner.Run("--help");
        Assert.Equal(0, r.ExitCode);
        var lines = r.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var codes = lines.SkipWhile(l => !l.StartsWith("Exit codes")).Skip(1).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(new[] { "0", "1", "2", "3", "5", "7" }, codes.Select(l => l.Trim().Split(' ')[0]));
        Assert.Contains(codes, l => l.Contains("partially compatible"));
        Assert.Contains(codes, l => l.Contains("cannot be read"));
        var examples = lines.SkipWhile(l => l != "Examples:").Skip(1).TakeWhile(l => l.Length > 0).Where(l => l.StartsWith("  anecompat ")).ToList();
        Assert.Equal(HelpLayout.Examples.Count, examples.Count);
        Assert.True(examples.Count >= 2);
    }

    [Theory]
    [InlineData("dump", "anecompat dump PATH")]
    [InlineData("explain", "anecompat explain NAME")]
    [InlineData("rules", "anecompat rules [options]")]
    public void SubcommandHelpShowsOnlyThatCommandsArguments(string command, string usage)
    {
        var r = CliRunner.Run(command, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(usage, r.Stdout);
        Assert.DoesNotContain("MODELPATH", r.Stdout);
        Assert.DoesNotContain("LOGDIR", r.Stdout);
        Assert.DoesNotContain("--target", r.Stdout);
        Assert.DoesNotContain("Exit codes", r.Stdout);
    }

    [Fact]
    public void HelpWrapsAtColumns()
    {
        var r = CliRunner.RunWithEnvironment(new Dictionary<string, string> { ["COLUMNS"] = "60" }, "--help");
        Assert.Equal(0, r.ExitCode);
        var tooLong = r.Stdout.Split('\n').Where(l => l.TrimEnd('\r').Length > 60 && l.Trim().Contains(' ')).ToList();
        Assert.True(tooLong.Count == 0, "lines over 60 columns:\n" + string.Join("\n", tooLong));
    }

    [Theory]
    [InlineData("conv", OpTable.MilOp)]
    [InlineData("ios17.conv", OpTable.MilOp)]
    [InlineData("innerProduct", OpTable.NeuralNetworkLayer)]
    [InlineData("reduce_argmax", OpTable.MilOp)]
    public void ExplainAcceptsAnOpOrLayerName(string query, OpTable table)
    {
        var catalog = RuleCatalog.Default;
        var name = query.Contains('.') ? query[(query.IndexOf('.') + 1)..] : query;
        var entry = catalog.Op(table, name)!;
        var r = CliRunner.Run("explain", query);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"{entry.Name} ({entry.TableLabel})", r.Stdout);
        Assert.Contains($"Status: {entry.StatusCode} ", r.Stdout);
        foreach (var rule in entry.Rules) Assert.Contains(rule, r.Stdout);
        foreach (var code in entry.Evidence) Assert.Contains($"{code}: {catalog.Sources[code]}", r.Stdout);
    }

    [Fact]
    public void ExplainOfAnOpNamesTheRulesOfItsScope()
    {
        var r = CliRunner.Run("explain", "conv");
        Assert.Contains("CONV-KW", r.Stdout);
    }

    [Fact]
    public void ExplainOfAModelTypeSaysWhatItMeans()
    {
        var r = CliRunner.Run("explain", "pipelineClassifier");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("model type", r.Stdout);
        Assert.Contains("MODEL-PIPELINE", r.Stdout);
    }

    [Fact]
    public void ExplainOfNothingKnownSuggestsRulesAndOps()
    {
        var r = CliRunner.Run("explain", "convv");
        Assert.Equal(5, r.ExitCode);
        var line = OneLine(r.Stderr);
        Assert.Contains("conv", line);
    }

    [Fact]
    public void RulesJsonCarriesTheStatusTables()
    {
        var catalog = RuleCatalog.Default;
        var r = CliRunner.Run("rules", "--json");
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(catalog.Rules.Count, root.GetProperty("rules").GetArrayLength());
        foreach (var (property, table) in new[] { ("milOps", OpTable.MilOp), ("neuralNetworkLayers", OpTable.NeuralNetworkLayer), ("espressoLayers", OpTable.EspressoLayer) })
        {
            var rows = root.GetProperty(property).EnumerateArray().ToList();
            var expected = catalog.Table(table).ToList();
            Assert.Equal(expected.Count, rows.Count);
            Assert.Equal(expected.Select(e => (e.Name, e.StatusCode)), rows.Select(x => (x.GetProperty("name").GetString()!, x.GetProperty("status").GetString()!)));
        }
        var conv = root.GetProperty("milOps").EnumerateArray().Single(o => o.GetProperty("name").GetString() == "conv");
        Assert.Equal("C", conv.GetProperty("status").GetString());
        Assert.Equal(catalog.ModelTypes.Count, root.GetProperty("modelTypes").GetArrayLength());
        Assert.Contains(root.GetProperty("modelTypes").EnumerateArray(), t => t.GetProperty("type").GetString() == "pipelineClassifier" && t.GetProperty("status").GetString() == "P");
        Assert.Equal(catalog.Sources["HOL-UL"], root.GetProperty("sources").GetProperty("HOL-UL").GetString());
    }

    [Fact]
    public void At80ColumnsRuleIdsAreNeverBroken()
    {
        var json = CliRunner.Run(Sample, "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        var ids = doc.RootElement.GetProperty("rules").EnumerateArray().Select(x => x.GetProperty("ruleId").GetString()!).ToList();
        Assert.NotEmpty(ids);
        var text = CliRunner.RunWithEnvironment(new Dictionary<string, string> { ["COLUMNS"] = "80" }, Sample);
        Assert.Equal(1, text.ExitCode);
        var lines = text.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        foreach (var id in ids)
            Assert.Contains(lines, l => l.StartsWith(id + " ", StringComparison.Ordinal));
        // The findings are a list there, not a table squeezed a few letters per cell.
        var findings = lines.SkipWhile(l => l != "Findings by rule").Skip(1).TakeWhile(l => !l.StartsWith("note:")).ToList();
        Assert.All(findings, l => Assert.True(l.Length <= 80 || !l.Trim().Contains(' '), $"over 80 columns: {l}"));
    }

    [Fact]
    public void WideColumnsKeepTheFindingsTable()
    {
        var text = CliRunner.RunWithEnvironment(new Dictionary<string, string> { ["COLUMNS"] = "160" }, Sample);
        Assert.Contains(text.Stdout.Split('\n'), l => l.Contains("│ rule", StringComparison.Ordinal));
    }
}
