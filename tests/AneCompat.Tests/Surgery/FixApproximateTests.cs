using AneCompat.Tests.Support;

namespace AneCompat.Tests.Surgery;

/// <summary>Approximate rewrites: only with --allow-approximate, a warning per op, the declared bound checked.</summary>
public class FixApproximateTests
{
    [CorpusFact]
    public void Fp32_weights_become_fp16_only_when_allowed_with_a_warning_per_layer()
    {
        var input = Corpus.Path("mnist-ph1ps/MNIST.mlmodel");
        using var dir = new TempDir();
        var refused = CliRunner.Run("fix", input, "--dry-run", "--rule", "S10");
        Assert.Contains("not applied S10 [FMT-NN-FP16] 'convolution2d_1': approximate rewrite: needs --allow-approximate", refused.Stdout);
        Assert.Contains("nothing to fix", CliRunner.Run("fix", input, "-o", dir.File("x.mlmodel")).Stdout); // not by default

        var before = CorpusHashes.Snapshot(System.IO.Path.GetDirectoryName(input)!);
        var cli = CliRunner.Run("fix", input, "-o", dir.File("out.mlmodel"), "--allow-approximate");
        Assert.Equal(0, cli.ExitCode);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(System.IO.Path.GetDirectoryName(input)!));
        Assert.Equal(4, cli.Stderr.Split('\n').Count(l => l.StartsWith("anecompat: warning: S10 on '")));
        Assert.Contains("specificationVersion: 1 → 2", cli.Stdout);
        var written = FixTestSupport.ReadWhole(dir.File("out.mlmodel"));
        Assert.Equal(2, written.SpecificationVersion);
        var layers = FixTestSupport.Layers(written);
        var conv = layers.First(l => l.Convolution is not null).Convolution;
        Assert.Empty(conv.Weights.FloatValue);
        Assert.True(conv.Weights.Float16Value.Length > 0);
        Assert.Equal(conv.Bias.Float16Value.Length > 0, conv.HasBias); // weights and bias share a precision
        Assert.InRange(new FileInfo(dir.File("out.mlmodel")).Length, new FileInfo(input).Length / 2 - 4096, new FileInfo(input).Length / 2 + 4096);
        Assert.Equal(CliRunner.Run(input).ExitCode, CliRunner.Run(dir.File("out.mlmodel")).ExitCode); // re-reads, same verdict
    }

    [CorpusFact]
    public void Updatable_models_never_get_fp16_weights()
    {
        using var dir = new TempDir();
        var cli = CliRunner.Run("fix", Corpus.Path("mnist-updatable/newcoreml.mlmodel"), "-o", dir.File("out.mlmodel"), "--allow-approximate");
        Assert.Equal(5, cli.ExitCode);
        Assert.StartsWith("anecompat: fix: refused: updatable model: S10 would round the weights of", cli.Stderr);
        Assert.Empty(dir.Entries());
    }
}
