using System.Text.Json;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Cli;

/// <summary>
/// Folders: symbolic links to models are followed while they stay inside the folder and reported when they lead
/// out; models are analysed in parallel but always listed in the same (path) order.
/// </summary>
public class FolderLinksAndOrderTests
{
    [CorpusFact]
    public void LinksInsideTheFolderAreFollowedAndLinksOutsideAreReportedNotRead()
    {
        if (OperatingSystem.IsWindows()) return;
        using var outside = new TempDir();
        using var t = new TempDir();
        var app = Path.Combine(t.Path, "App.app");
        Directory.CreateDirectory(Path.Combine(app, "Real"));
        File.Copy(Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), Path.Combine(app, "Real", "MNIST.mlmodel"));
        File.CreateSymbolicLink(Path.Combine(app, "Linked.mlmodel"), Path.Combine(app, "Real", "MNIST.mlmodel"));
        Directory.CreateSymbolicLink(Path.Combine(app, "Argmax.mlmodelc"), Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc"));
        File.Copy(Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), outside.File("Swish.mlmodel"));
        File.CreateSymbolicLink(Path.Combine(app, "Swish.mlmodel"), outside.File("Swish.mlmodel"));
        Directory.CreateSymbolicLink(Path.Combine(app, "Loop"), app);  // a loop is not followed twice

        var r = CliRunner.Run(app);
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var mnist = CliRunner.Run(Path.Combine(app, "Real", "MNIST.mlmodel")).ExitCode;
        Assert.Contains(lines, l => l.StartsWith($"{mnist} ") && l.Contains(" Linked.mlmodel:"));
        Assert.Contains(lines, l => l.StartsWith($"{mnist} ") && l.Contains(" Real/MNIST.mlmodel:"));
        Assert.DoesNotContain(lines, l => l.Contains("Swish") || l.Contains("Argmax"));
        Assert.Contains("2 model(s)", lines[^1]);
        Assert.Equal(mnist, r.ExitCode);
        var warnings = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, w => w.Contains("Swish.mlmodel: symbolic link to") && w.Contains("not followed"));
        Assert.Contains(warnings, w => w.Contains("Argmax.mlmodelc: symbolic link to") && w.Contains("not followed"));
    }

    [CorpusFact]
    public void ParallelAnalysisListsModelsInTheSameOrderEveryTime()
    {
        using var t = new TempDir();
        var names = new[] { "b/z.mlmodel", "a.mlmodel", "c/a/y.mlmodel", "B.mlmodel", "c/x.mlmodel", "c/a.mlmodel" };
        foreach (var (n, i) in names.Select((n, i) => (n, i)))
        {
            var p = t.File(n);
            Directory.CreateDirectory(Path.GetDirectoryName(p)!);
            File.Copy(Corpus.Path(i % 2 == 0 ? "mnist-ph1ps/MNIST.mlmodel" : "custom-layer-swish/NeuralMcNeuralNet.mlmodel"), p);
        }
        var first = CliRunner.Run(t.Path);
        // A folder's own models come before those of its sub-folders, each level in ordinal name order.
        var expected = new[] { "B.mlmodel", "a.mlmodel", "b/z.mlmodel", "c/a.mlmodel", "c/x.mlmodel", "c/a/y.mlmodel" };
        var listed = first.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..^1].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2].TrimEnd(':')).ToArray();
        Assert.Equal(expected, listed);
        for (var i = 0; i < 3; i++) Assert.Equal(first.Stdout, CliRunner.Run(t.Path).Stdout);

        var json = CliRunner.Run(t.Path, "--format", "json");
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal(expected, doc.RootElement.GetProperty("models").EnumerateArray()
            .Select(m => Path.GetRelativePath(t.Path, m.GetProperty("model").GetProperty("path").GetString()!).Replace('\\', '/')).ToArray());
    }
}
