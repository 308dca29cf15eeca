using System.Text.Json;
using AneCompat.Cli;
using AneCompat.Rules.Catalog;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Rules;

public class RulesCommandTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var r = CliRunner.Run(args);
        return (r.ExitCode, r.Stdout, r.Stderr);
    }

    [Fact]
    public void CheckedInRulesDocIsUpToDate()
    {
        var expected = CatalogDocs.Markdown(RuleCatalog.Default);
        var path = Path.Combine(Corpus.RepoRoot, "docs", "rules.md");
        Assert.True(File.Exists(path), "docs/rules.md is missing: run `anecompat rules --markdown > docs/rules.md`");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == expected, "docs/rules.md is out of date: run `anecompat rules --markdown > docs/rules.md`");
    }

    [Fact]
    public void RulesListsEveryRule()
    {
        var (code, output, _) = Cli("rules");
        Assert.Equal(ExitCodes.FullyCompatible, code);
        Assert.Equal(RuleCatalog.Default.Rules.Count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("DTYPE-FP32", output);
    }

    [Fact]
    public void RulesJsonIsMachineReadable()
    {
        var (code, output, _) = Cli("rules", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var kw = doc.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "CONV-KW");
        Assert.Equal("R/A/C", kw.GetProperty("confidence").GetString());
        Assert.Contains("AF-QUIRK", kw.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public void ExplainExpandsEvidenceAndFix()
    {
        var (code, output, _) = Cli("explain", "upsample-scale");
        Assert.Equal(0, code);
        Assert.Contains("UPSAMPLE-SCALE", output);
        Assert.Contains("HOL-ISS2: https://github.com/hollance/neural-engine/issues/1", output);
        Assert.Contains("Chain ×2 upsamples", output);
        Assert.Contains("Fix safety: safe", output);
    }

    [Fact]
    public void ExplainUnknownIdExitsFiveWithSuggestions()
    {
        var (code, output, error) = Cli("explain", "CONV-KX");
        Assert.Equal(ExitCodes.InputError, code);
        Assert.Empty(output);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("CONV-KW", error);
    }
}
