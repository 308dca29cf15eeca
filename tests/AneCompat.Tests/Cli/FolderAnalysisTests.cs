using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary><c>anecompat FOLDER</c>: every model inside a folder or bundle, one line each, exiting with the worst code.</summary>
public class FolderAnalysisTests
{
    [Fact]
    public void AnalysesEveryModelAndExitsWithTheWorstCode()
    {
        using var t = new TempDir();
        var app = Path.Combine(t.Path, "Demo.app");
        Directory.CreateDirectory(Path.Combine(app, "Models"));
        File.Copy(Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), Path.Combine(app, "Models", "MNIST.mlmodel"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), Path.Combine(app, "Swish.mlmodel"));
        CopyDir(Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc"), Path.Combine(app, "Argmax.mlmodelc"));

        var r = CliRunner.Run(app);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // MNIST: plain Core ML 1 layers (fully); Swish: custom layer (partial); Argmax: int32 argmax (not compatible).
        Assert.Contains(lines, l => l.StartsWith("0 ") && l.Contains("Models/MNIST.mlmodel"));
        Assert.Contains(lines, l => l.StartsWith("1 ") && l.Contains("Swish.mlmodel") && l.Contains("MODEL-CUSTOM"));
        Assert.Contains(lines, l => l.StartsWith("2 ") && l.Contains("Argmax.mlmodelc"));
        Assert.Contains("3 model(s)", lines[^1]);
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void AnUnreadableModelIsListedAndMakesTheExitCode3()
    {
        using var t = new TempDir();
        File.Copy(Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), t.File("ok.mlmodel"));
        t.Write("broken.mlmodel", new byte[] { 0x08, 0x04, 0x12, 0xFF, 0xFF, 0x01 });
        var logDir = t.File("logs");
        var r = CliRunner.Run(t.Path, logDir);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("3 unreadable", r.Stdout);
        Assert.Contains("broken.mlmodel", r.Stdout);
        Assert.True(File.Exists(Path.Combine(logDir, "ok.mlmodel", "report.json")));
    }

    [Fact]
    public void AFolderWithoutModelsIsAReadError()
    {
        using var t = new TempDir();
        t.Write("notes.txt", "no models");
        var r = CliRunner.Run(t.Path);
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("no Core ML models", r.Stderr);
    }

    private static void CopyDir(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.GetDirectories(from)) CopyDir(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
