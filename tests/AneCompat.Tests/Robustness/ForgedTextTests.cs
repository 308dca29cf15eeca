using AneCompat.Diagnostics;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Robustness;

/// <summary>
/// Names from files cannot forge lines or drive the terminal (issue 13, item 4), and JSON with a key twice is refused
/// rather than read one way here and another way by Core ML.
/// </summary>
public class ForgedTextTests
{
    private static readonly string Sample = Path.Combine(Corpus.RepoRoot, "samples", "tiny-convnet.mlmodel");

    [Theory]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("a\rb\tc", "a\\rb\\tc")]
    [InlineData("\u001b]0;owned\u0007x", "\\e]0;owned\\u{0007}x")]
    [InlineData("\u009b31m", "\\u{009B}31m")]
    [InlineData("abc\u202Egpj.exe", "abc\\u{202E}gpj.exe")]
    [InlineData("\u2066x\u2069", "\\u{2066}x\\u{2069}")]
    [InlineData("line\u2028sep", "line\\u{2028}sep")]
    [InlineData("模型/ünïcode 😀.mlmodel", "模型/ünïcode 😀.mlmodel")]
    public void EscapeMakesControlsVisibleAndLeavesTextAlone(string raw, string escaped)
    {
        Assert.Equal(escaped, SafeText.Escape(raw));
    }

    [Fact]
    public void AnUnpairedSurrogateIsEscaped()
    {
        Assert.Equal("lone\\u{D800}", SafeText.Escape("lone" + (char)0xD800));
    }

    [Fact]
    public void QuoteCutsLongValuesAndNamesTheirLength()
    {
        var q = SafeText.Quote(new string('a', 5000), 100);
        Assert.Equal(100 + "… (5000 characters)".Length, q.Length);
        Assert.EndsWith("(5000 characters)", q);
    }

    [Fact]
    public void ANewlineInAFileNameCannotForgeAFolderLine()
    {
        if (OperatingSystem.IsWindows()) return;
        using var t = new TempDir();
        File.Copy(Sample, t.File("evil\n0 fully-compatible  forged.mlmodel"));
        File.Copy(Sample, t.File("esc\u001b[2Kname\u202E.mlmodel"));
        var r = CliRunner.Run(t.Path);
        Assert.Equal(1, r.ExitCode);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // two models and the summary
        Assert.DoesNotContain(lines, l => l.StartsWith("0 fully-compatible"));
        Assert.Contains(lines, l => l.Contains("evil\\n0 fully-compatible  forged.mlmodel"));
        Assert.DoesNotContain('\u001b', r.Stdout);
        Assert.DoesNotContain('\u202E', r.Stdout);
        Assert.Contains(lines, l => l.Contains("esc\\e[2Kname\\u{202E}.mlmodel"));
    }

    [Fact]
    public void ControlCharactersInAModelPathAreEscapedInTheReportAndErrors()
    {
        if (OperatingSystem.IsWindows()) return;
        using var t = new TempDir();
        var odd = t.File("x\u001b[31m\ny.mlmodel");
        File.Copy(Sample, odd);
        var text = CliRunner.Run(odd, "--exit-zero");
        Assert.Equal(0, text.ExitCode);
        Assert.DoesNotContain('\u001b', text.Stdout);
        Assert.Contains("x\\e[31m\\ny.mlmodel", text.Stdout);
        var dump = CliRunner.Run("dump", odd);
        Assert.DoesNotContain('\u001b', dump.Stdout);

        var broken = t.File("bad\u001b]8;;\nname.mlmodel");
        File.WriteAllBytes(broken, [0x08, 0x04, 0x12, 0xFF]);
        var err = CliRunner.Run(broken);
        Assert.Equal(3, err.ExitCode);
        Assert.Single(err.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain('\u001b', err.Stderr);
    }

    private static string Package(TempDir t, string manifest)
    {
        var pkg = t.File("dup.mlpackage");
        Directory.CreateDirectory(Path.Combine(pkg, "Data", "com.apple.CoreML"));
        File.Copy(Sample, Path.Combine(pkg, "Data", "com.apple.CoreML", "model.mlmodel"));
        File.Copy(Sample, Path.Combine(pkg, "Data", "com.apple.CoreML", "other.mlmodel"));
        File.WriteAllText(Path.Combine(pkg, "Manifest.json"), manifest);
        return pkg;
    }

    [Fact]
    public void DuplicateKeysInManifestAreRefused()
    {
        using var t = new TempDir();
        var pkg = Package(t, """
            {"fileFormatVersion": "1.0.0",
             "itemInfoEntries": {"A": {"path": "com.apple.CoreML/model.mlmodel", "path": "com.apple.CoreML/other.mlmodel"}},
             "rootModelIdentifier": "A"}
            """);
        var r = CliRunner.Run(pkg);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("Manifest.json is not valid JSON", r.Stderr);
        Assert.Contains("path", r.Stderr);
    }

    [Fact]
    public void DuplicateRootIdentifierKeysAreRefused()
    {
        using var t = new TempDir();
        var pkg = Package(t, """
            {"itemInfoEntries": {"A": {"path": "com.apple.CoreML/model.mlmodel"}},
             "rootModelIdentifier": "A", "rootModelIdentifier": "B"}
            """);
        Assert.Equal(3, CliRunner.Run(pkg).ExitCode);
    }

    [Fact]
    public void EntriesDifferingOnlyInCaseAreRefused()
    {
        using var t = new TempDir();
        var pkg = Package(t, """
            {"itemInfoEntries": {"abc": {"path": "com.apple.CoreML/model.mlmodel"}, "ABC": {"path": "com.apple.CoreML/other.mlmodel"}},
             "rootModelIdentifier": "Abc"}
            """);
        var r = CliRunner.Run(pkg);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("differing only in case", r.Stderr);
    }

    [CorpusFact]
    public void DuplicateKeysInMetadataJsonAreRefused()
    {
        using var t = new TempDir();
        var mlmodelc = t.File("dup.mlmodelc");
        var seed = Corpus.Path("coremltools-add-model-mlmodelc/add_model.mlmodelc");
        Directory.CreateDirectory(mlmodelc);
        foreach (var f in Directory.GetFiles(seed)) File.Copy(f, Path.Combine(mlmodelc, Path.GetFileName(f)));
        var meta = Path.Combine(mlmodelc, "metadata.json");
        var text = File.ReadAllText(meta);
        var brace = text.IndexOf('{', text.IndexOf('[') + 1);
        File.WriteAllText(meta, text.Insert(brace + 1, "\"shortDescription\": \"a\", \"shortDescription\": \"b\", "));
        var r = CliRunner.Run(mlmodelc);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("metadata.json", r.Stderr);
    }
}
