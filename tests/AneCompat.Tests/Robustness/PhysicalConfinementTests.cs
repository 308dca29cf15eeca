using System.Diagnostics;
using System.Text;
using AneCompat.Diagnostics;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Robustness;

/// <summary>
/// Links whose targets look local when '..' is collapsed in the text but leave the model when the kernel follows them
/// (issue 13, item 1), and paths long enough to make a per-prefix resolution quadratic. Every construction is built in
/// a temporary folder from corpus files and run through the CLI: exit 3, one line naming the model, nothing quoted
/// from the file outside.
/// </summary>
public class PhysicalConfinementTests
{
    private static readonly string PackageSeed = Corpus.Path("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
    private static readonly string CompiledSeed = Corpus.Path("coremltools-add-model-mlmodelc/add_model.mlmodelc");

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        foreach (var d in Directory.EnumerateDirectories(from)) CopyTree(d, Path.Combine(to, Path.GetFileName(d)));
    }

    /// <summary>Runs the CLI and checks the refusal contract; returns the error line.</summary>
    private static string RefusedByCli(string model, params string[] mustNotContain)
    {
        var r = CliRunner.Run(model);
        Assert.Equal(3, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("anecompat: warning:")).ToArray();
        var line = Assert.Single(lines);
        Assert.StartsWith("anecompat: ", line);
        Assert.Contains(Path.GetFileName(model), line);
        foreach (var s in mustNotContain) Assert.DoesNotContain(s, line);
        Assert.Equal("", r.Stdout);
        return line;
    }

    [CorpusFact]
    public void PackageModelThroughUpLinkThenDotDot()
    {
        using var t = new TempDir();
        var pkg = Path.Combine(t.Path, "evil.mlpackage");
        CopyTree(PackageSeed, pkg);
        var coreml = Path.Combine(pkg, "Data", "com.apple.CoreML");
        // The real model moves outside the package, where the link will lead.
        Directory.CreateDirectory(Path.Combine(t.Path, "secret"));
        File.Move(Path.Combine(coreml, "model.mlmodel"), Path.Combine(t.Path, "secret", "outside.mlmodel"));
        Directory.CreateSymbolicLink(Path.Combine(coreml, "up"), "..");
        File.CreateSymbolicLink(Path.Combine(coreml, "model.mlmodel"), "up/../../secret/outside.mlmodel");
        // Before the fix this read the outside model and exited 0.
        var line = RefusedByCli(pkg);
        Assert.Contains("model.mlmodel", line);
        Assert.Contains("symbolic link that leaves the model folder", line);
        // The link is in the package, so the library refuses it too, before reading anything.
        Assert.Throws<ModelReadException>(() => ModelReader.Read(pkg));
    }

    [CorpusFact]
    public void PackageWeightsThroughUpLinkThenDotDot()
    {
        using var t = new TempDir();
        var pkg = Path.Combine(t.Path, "evil.mlpackage");
        CopyTree(PackageSeed, pkg);
        var coreml = Path.Combine(pkg, "Data", "com.apple.CoreML");
        Directory.CreateDirectory(Path.Combine(t.Path, "secret"));
        File.Move(Path.Combine(coreml, "weights", "weight.bin"), Path.Combine(t.Path, "secret", "weight.bin"));
        Directory.CreateSymbolicLink(Path.Combine(coreml, "up"), "..");
        // weights/.. is com.apple.CoreML, up is Data, then .. twice: the package's parent folder.
        File.CreateSymbolicLink(Path.Combine(coreml, "weights", "weight.bin"), "../up/../../secret/weight.bin");
        var line = RefusedByCli(pkg);
        Assert.Contains("weight.bin", line);
        Assert.Contains("leaves the model folder", line);
    }

    [CorpusFact]
    public void CompiledModelMilThroughUpLinkThenDotDot()
    {
        using var t = new TempDir();
        var work = Path.Combine(t.Path, "work");
        var mlmodelc = Path.Combine(work, "evil.mlmodelc");
        CopyTree(CompiledSeed, mlmodelc);
        Directory.CreateDirectory(Path.Combine(work, "secret"));
        File.Move(Path.Combine(mlmodelc, "model.mil"), Path.Combine(work, "secret", "model.mil"));
        Directory.CreateDirectory(Path.Combine(mlmodelc, "d"));
        Directory.CreateSymbolicLink(Path.Combine(mlmodelc, "d", "up"), "..");
        // Textually evil.mlmodelc/d/secret/model.mil; physically work/secret/model.mil.
        File.CreateSymbolicLink(Path.Combine(mlmodelc, "model.mil"), "d/up/../secret/model.mil");
        var line = RefusedByCli(mlmodelc);
        Assert.Contains("model.mil", line);
        Assert.Contains("leaves the model folder", line);
    }

    [CorpusFact]
    public void CompiledModelMilThroughDeepChainToEtcPasswdQuotesNothingFromIt()
    {
        if (!File.Exists("/etc/passwd")) return;
        var firstToken = File.ReadAllText("/etc/passwd").Split(':', '\n')[0];
        using var t = new TempDir();
        var mlmodelc = Path.Combine(t.Path, "evil.mlmodelc");
        CopyTree(CompiledSeed, mlmodelc);
        File.Delete(Path.Combine(mlmodelc, "model.mil"));
        Directory.CreateDirectory(Path.Combine(mlmodelc, "a"));
        Directory.CreateSymbolicLink(Path.Combine(mlmodelc, "a", "u"), "..");
        // a/u is the model folder again, k times; then 2k ".." cancel the text exactly (so it looks local) while
        // physically climbing 2k levels above the model folder, to the root.
        var depth = mlmodelc.Split('/', StringSplitOptions.RemoveEmptyEntries).Length;
        var k = depth;
        var target = string.Concat(Enumerable.Repeat("a/u/", k)) + string.Concat(Enumerable.Repeat("../", 2 * k)) + "etc/passwd";
        Assert.Equal(Path.GetFullPath(Path.Combine(mlmodelc, "etc", "passwd")), Path.GetFullPath(Path.Combine(mlmodelc, target)));
        File.CreateSymbolicLink(Path.Combine(mlmodelc, "model.mil"), target);
        var line = RefusedByCli(mlmodelc, firstToken + ":", "root:x");
        Assert.Contains("model.mil", line);
        Assert.Contains("leaves the model folder", line);
        Assert.Equal("/etc/passwd", PathConfinement.RealPath(Path.Combine(mlmodelc, "model.mil")));
    }

    [CorpusFact]
    public void LinkLoopIsRefusedNotFollowedForever()
    {
        using var t = new TempDir();
        var mlmodelc = Path.Combine(t.Path, "loop.mlmodelc");
        CopyTree(CompiledSeed, mlmodelc);
        File.Delete(Path.Combine(mlmodelc, "model.mil"));
        File.CreateSymbolicLink(Path.Combine(mlmodelc, "model.mil"), "x");
        File.CreateSymbolicLink(Path.Combine(mlmodelc, "x"), "model.mil");
        var line = RefusedByCli(mlmodelc);
        Assert.Contains($"more than {Limits.MaxLinkHops} deep or in a loop", line);
    }

    [CorpusFact]
    public void LinksThatStayInsideAreStillFollowed()
    {
        // up -> .. inside Data/com.apple.CoreML, and model.mlmodel reached through it: physically still inside.
        using var t = new TempDir();
        var pkg = Path.Combine(t.Path, "fine.mlpackage");
        CopyTree(PackageSeed, pkg);
        var coreml = Path.Combine(pkg, "Data", "com.apple.CoreML");
        Directory.CreateDirectory(Path.Combine(pkg, "Data", "store"));
        File.Move(Path.Combine(coreml, "model.mlmodel"), Path.Combine(pkg, "Data", "store", "model.mlmodel"));
        Directory.CreateSymbolicLink(Path.Combine(coreml, "up"), "..");
        File.CreateSymbolicLink(Path.Combine(coreml, "model.mlmodel"), "up/store/model.mlmodel");
        var graph = ModelReader.Read(pkg);
        Assert.NotEmpty(graph.AllOps());
    }

    [CorpusFact]
    public void ManifestRootPathOfHalfAMillionComponentsIsRefusedFast()
    {
        using var t = new TempDir();
        var pkg = Path.Combine(t.Path, "long.mlpackage");
        CopyTree(PackageSeed, pkg);
        var manifest = Path.Combine(pkg, "Manifest.json");
        var longPath = string.Concat(Enumerable.Repeat("a/", 500_000)) + "model.mlmodel";
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("com.apple.CoreML/model.mlmodel", longPath));
        Assert.True(new FileInfo(manifest).Length < Limits.MaxManifestBytes + 100_000);
        var clock = Stopwatch.StartNew();
        var line = RefusedByCli(pkg);
        clock.Stop();
        Assert.Contains($"over the limit of {Limits.MaxPathLength}", line);
        Assert.True(line.Length < 600, "the error line quotes the whole path");
        // A hang guard, not a benchmark: the old resolution took an estimated 20 minutes here.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [CorpusFact]
    public void ManifestPathWithTooManyComponentsIsRefused()
    {
        using var t = new TempDir();
        var pkg = Path.Combine(t.Path, "many.mlpackage");
        CopyTree(PackageSeed, pkg);
        var manifest = Path.Combine(pkg, "Manifest.json");
        var path = string.Concat(Enumerable.Repeat("a/", Limits.MaxPathComponents)) + "model.mlmodel"; // limit + 1
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("com.apple.CoreML/model.mlmodel", path));
        var line = RefusedByCli(pkg);
        Assert.Contains($"{Limits.MaxPathComponents + 1} path components, over the limit of {Limits.MaxPathComponents}", line);
    }

    [CorpusFact]
    public void BlobFilePathOfTwoHundredThousandComponentsIsRefusedFast()
    {
        using var t = new TempDir();
        var mlmodelc = Path.Combine(t.Path, "longblob.mlmodelc");
        CopyTree(CompiledSeed, mlmodelc);
        var longPath = "@model_path/" + string.Concat(Enumerable.Repeat("a/", 200_000)) + "weight.bin";
        var mil = new StringBuilder();
        mil.Append("program(1.0)\n{\n    func main<ios16>(tensor<fp16, [1, 10]> x, tensor<fp16, [1, 10]> y) {\n");
        for (var i = 0; i < 3; i++)
            mil.Append($"        tensor<fp16, [1, 10]> w{i} = const()[name = string(\"w{i}\"), val = tensor<fp16, [1, 10]>(BLOBFILE(path = string(\"{longPath}\"), offset = uint64(64)))];\n");
        mil.Append("        tensor<fp16, [1, 10]> var_3 = mul(x = x, y = w0)[name = string(\"op_3\")];\n    } -> (var_3);\n}\n");
        File.WriteAllText(Path.Combine(mlmodelc, "model.mil"), mil.ToString());
        var clock = Stopwatch.StartNew();
        var line = RefusedByCli(mlmodelc);
        clock.Stop();
        Assert.Contains($"over the limit of {Limits.MaxPathLength}", line);
        Assert.True(line.Length < 1000, "the error line quotes the whole path");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
    }

    [Fact]
    public void RealPathAppliesDotDotAfterALinkPhysically()
    {
        using var t = new TempDir();
        Directory.CreateDirectory(Path.Combine(t.Path, "p", "q"));
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "p", "q", "up"), "..");
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "p", "abs"), Path.Combine(t.Path, "p", "q"));
        var real = PathConfinement.RealPath(t.Path);
        Assert.Equal(real, PathConfinement.RealPath(Path.Combine(t.Path, "p", "q", "up", "..")));
        Assert.Equal(Path.Combine(real, "p"), PathConfinement.RealPath(Path.Combine(t.Path, "p", "abs", "up")));
        Assert.Equal(Path.Combine(real, "p", "missing", "x"), PathConfinement.RealPath(Path.Combine(t.Path, "p", "q", "up", "missing", "x")));
    }
}
