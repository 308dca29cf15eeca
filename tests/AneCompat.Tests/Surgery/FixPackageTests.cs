using AneCompat.Surgery;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Surgery;

public class FixPackageTests
{
    [Fact]
    public void A_package_is_rewritten_into_a_new_package_with_manifest_and_weights_copied_as_they_are()
    {
        using var dir = new TempDir();
        // A NeuralNetwork model inside a package, with a weights folder beside it.
        var manifest = """
            {"fileFormatVersion":"1.0.0","itemInfoEntries":{"A":{"author":"com.apple.CoreML","description":"CoreML Model Specification","name":"model.mlmodel","path":"com.apple.CoreML/model.mlmodel"}},"rootModelIdentifier":"A"}
            """;
        dir.Write("in.mlpackage/Manifest.json", manifest);
        dir.Write("in.mlpackage/Data/com.apple.CoreML/model.mlmodel", File.ReadAllBytes(FixTestSupport.Sample));
        dir.Write("in.mlpackage/Data/com.apple.CoreML/weights/weight.bin", Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray());
        var before = CorpusHashes.Snapshot(dir.File("in.mlpackage"));

        var cli = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlpackage"));
        Assert.Equal(0, cli.ExitCode);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(dir.File("in.mlpackage")));
        var after = CorpusHashes.Snapshot(dir.File("out.mlpackage"));
        Assert.Equal(before.Keys, after.Keys);
        Assert.Equal(before["Manifest.json"], after["Manifest.json"]);
        Assert.Equal(before["Data/com.apple.CoreML/weights/weight.bin"], after["Data/com.apple.CoreML/weights/weight.bin"]);
        Assert.NotEqual(before["Data/com.apple.CoreML/model.mlmodel"], after["Data/com.apple.CoreML/model.mlmodel"]);
        Assert.Equal(0, CliRunner.Run(dir.File("out.mlpackage")).ExitCode); // re-reads, fully on the ANE
        Assert.Equal(new[] { "in.mlpackage", "out.mlpackage" }, dir.Entries());

        var wrongKind = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlmodel"));
        Assert.Equal(5, wrongKind.ExitCode);
    }
}
