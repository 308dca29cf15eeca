using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reading;

/// <summary>
/// Every kind of unreadable input gives exit code 3 and exactly one line on stderr naming the file and the problem —
/// never a stack trace.
/// </summary>
public class BadInputTests
{
    private static void AssertReadError(CliRunner.Result r, string path, string problemFragment)
    {
        Assert.Equal(3, r.ExitCode);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(path, lines[0]);
        Assert.Contains(problemFragment, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void EmptyFile()
    {
        using var t = new TempDir();
        var p = t.Write("empty.mlmodel", Array.Empty<byte>());
        AssertReadError(CliRunner.Run("dump", p), p, "empty");
    }

    [Fact]
    public void RandomBytes()
    {
        using var t = new TempDir();
        var rng = new Random(1234);
        for (var i = 0; i < 20; i++)
        {
            var bytes = new byte[rng.Next(1, 4096)];
            rng.NextBytes(bytes);
            if (i % 2 == 0) bytes[0] = 0x08; // half of them get past the first-byte check
            var p = t.Write($"random{i}.mlmodel", bytes);
            var r = CliRunner.Run("dump", p);
            Assert.Equal(3, r.ExitCode);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(p, r.Stderr);
        }
    }

    [CorpusTheory]
    [InlineData("insurance-xgboost/insurance_model.mlmodel")]
    [InlineData("eog-tabular-glm/model.mlmodel")]
    public void TruncatedAtSeveralOffsets(string key)
    {
        var original = File.ReadAllBytes(Corpus.Path(key));
        using var t = new TempDir();
        foreach (var fraction in new[] { 0.03, 0.25, 0.5, 0.77, 0.999 })
        {
            var length = Math.Max(1, (int)(original.Length * fraction));
            var p = t.Write($"truncated-{length}.mlmodel", original[..length]);
            var r = CliRunner.Run("dump", p);
            Assert.True(r.ExitCode == 3, $"truncated at {length}: exit {r.ExitCode}, stderr {r.Stderr}");
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(p, r.Stderr);
        }
    }

    [Fact]
    public void LengthFieldPointingPastTheEnd()
    {
        // specificationVersion = 4, then field 2 (description) claiming 1,000,000 bytes while 3 follow.
        using var t = new TempDir();
        var p = t.Write("overlong.mlmodel", new byte[] { 0x08, 0x04, 0x12, 0xC0, 0x84, 0x3D, 0x0A, 0x01, 0x41 });
        AssertReadError(CliRunner.Run("dump", p), p, "claims 1000000 bytes");
    }

    [Fact]
    public void NestingBombIsRefused()
    {
        // Pipelines inside pipelines, 200 deep: field 202 (pipeline) → field 1 (models) → Model → …
        var inner = new byte[] { 0x08, 0x01 };
        for (var i = 0; i < 200; i++)
        {
            var models = Wrap(1, inner);            // Pipeline.models
            var pipeline = Wrap(202, models);       // Model.pipeline
            inner = new byte[] { 0x08, 0x01 }.Concat(pipeline).ToArray();
        }
        using var t = new TempDir();
        var p = t.Write("bomb.mlmodel", inner);
        var r = CliRunner.Run("dump", p);
        AssertReadError(r, p, "nested deeper");
    }

    private static byte[] Wrap(int field, byte[] payload)
    {
        var result = new List<byte>();
        void Varint(ulong v) { while (v >= 0x80) { result.Add((byte)(v | 0x80)); v >>= 7; } result.Add((byte)v); }
        Varint((ulong)(field << 3 | 2));
        Varint((ulong)payload.Length);
        result.AddRange(payload);
        return result.ToArray();
    }

    [Fact]
    public void GitLfsPointer()
    {
        using var t = new TempDir();
        var p = t.Write("lfs.mlmodel", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n");
        AssertReadError(CliRunner.Run("dump", p), p, "Git LFS pointer");
    }

    [Fact]
    public void FolderWithNoModel()
    {
        using var t = new TempDir();
        t.Write("readme.txt", "nothing here");
        AssertReadError(CliRunner.Run("dump", t.Path), t.Path, "not a model");
    }

    [Fact]
    public void MissingPath()
    {
        using var t = new TempDir();
        var p = t.File("nope.mlmodel");
        AssertReadError(CliRunner.Run("dump", p), p, "no such file");
    }

    [Fact]
    public void UnreadableFile()
    {
        using var t = new TempDir();
        if (Environment.UserName != "root")
        {
            var p = t.Write("locked.mlmodel", File.ReadAllBytes(Corpus.Path("insurance-xgboost/insurance_model.mlmodel")));
            File.SetUnixFileMode(p, UnixFileMode.None);
            AssertReadError(CliRunner.Run("dump", p), p, "permission denied");
        }
        else
        {
            // Root reads past permissions, so use a file whose reads fail: /proc/self/mem refuses offset 0 with EIO.
            var p = t.File("unreadable.mlmodel");
            File.CreateSymbolicLink(p, "/proc/self/mem");
            AssertReadError(CliRunner.Run("dump", p), p, "cannot read");
        }
    }

    [Fact]
    public void FifoInPlaceOfAModelFileDoesNotHang()
    {
        using var t = new TempDir();
        var fifo = t.File("pipe.mlmodel");
        MakeFifo(fifo);
        var run = Task.Run(() => CliRunner.Run("dump", fifo));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), "reading a FIFO must not block");
        AssertReadError(run.Result, fifo, "not a regular file");
    }

    [Fact]
    public void FifoInsideACompiledModelDoesNotHang()
    {
        using var t = new TempDir();
        var dir = Path.Combine(t.Path, "Pipe.mlmodelc");
        Directory.CreateDirectory(dir);
        MakeFifo(Path.Combine(dir, "model.mil"));
        var run = Task.Run(() => CliRunner.Run("dump", dir));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), "reading a FIFO must not block");
        Assert.Equal(3, run.Result.ExitCode);
        Assert.Contains("model.mil", run.Result.Stderr);
    }

    private static void MakeFifo(string path)
    {
        using var p = System.Diagnostics.Process.Start("mkfifo", new[] { path })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private static string PackageWithManifestPath(TempDir t, string itemPath)
    {
        var pkg = Path.Combine(t.Path, "evil.mlpackage");
        Directory.CreateDirectory(Path.Combine(pkg, "Data", "com.apple.CoreML"));
        File.Copy(Corpus.Path("insurance-xgboost/insurance_model.mlmodel"), Path.Combine(pkg, "Data", "com.apple.CoreML", "model.mlmodel"));
        var manifest = "{\"fileFormatVersion\":\"1.0.0\",\"itemInfoEntries\":{\"ABC\":{\"author\":\"x\",\"description\":\"x\",\"name\":\"model.mlmodel\",\"path\":"
            + System.Text.Json.JsonSerializer.Serialize(itemPath) + "}},\"rootModelIdentifier\":\"ABC\"}";
        File.WriteAllText(Path.Combine(pkg, "Manifest.json"), manifest);
        return pkg;
    }

    [CorpusFact]
    public void ManifestPathWithDotDot()
    {
        using var t = new TempDir();
        var outside = t.Write("outside.mlmodel", File.ReadAllBytes(Corpus.Path("insurance-xgboost/insurance_model.mlmodel")));
        var pkg = PackageWithManifestPath(t, "../../outside.mlmodel");
        AssertReadError(CliRunner.Run("dump", pkg), "evil.mlpackage", "'..'");
        Assert.True(File.Exists(outside));
    }

    [CorpusFact]
    public void ManifestAbsolutePath()
    {
        using var t = new TempDir();
        var outside = t.Write("outside.mlmodel", File.ReadAllBytes(Corpus.Path("insurance-xgboost/insurance_model.mlmodel")));
        var pkg = PackageWithManifestPath(t, outside);
        AssertReadError(CliRunner.Run("dump", pkg), "evil.mlpackage", "absolute");
    }

    [CorpusFact]
    public void ManifestSymlinkEscape()
    {
        using var t = new TempDir();
        var outsideDir = Path.Combine(t.Path, "outside");
        Directory.CreateDirectory(outsideDir);
        File.Copy(Corpus.Path("insurance-xgboost/insurance_model.mlmodel"), Path.Combine(outsideDir, "model.mlmodel"));
        var pkg = PackageWithManifestPath(t, "link/model.mlmodel");
        Directory.CreateSymbolicLink(Path.Combine(pkg, "Data", "link"), outsideDir);
        AssertReadError(CliRunner.Run("dump", pkg), "evil.mlpackage", "symbolic link");
    }

    [CorpusFact]
    public void ManifestThatIsNotJson()
    {
        using var t = new TempDir();
        var pkg = PackageWithManifestPath(t, "com.apple.CoreML/model.mlmodel");
        File.WriteAllText(Path.Combine(pkg, "Manifest.json"), "{ \"rootModelIdentifier\": ");
        AssertReadError(CliRunner.Run("dump", pkg), "Manifest.json", "not valid JSON");
    }

    [CorpusFact]
    public void ManifestFollowsRootIdentifierNotFolderName()
    {
        // A package whose root model lives under another author's folder still opens (mlpackage-nonstandard-author).
        using var t = new TempDir();
        var pkg = PackageWithManifestPath(t, "com.apple.CoreML/model.mlmodel");
        var r = CliRunner.Run("dump", pkg);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("treeEnsembleRegressor", r.Stdout);
    }
}
