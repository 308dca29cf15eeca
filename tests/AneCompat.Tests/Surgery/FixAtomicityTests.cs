using AneCompat.Tests.Support;
using AneCompat.Writing;

namespace AneCompat.Tests.Surgery;

public class FixAtomicityTests
{
    /// <summary>A piece of output that fails half-way, as a crash or a full disk would.</summary>
    private sealed class FailingChunk : SpliceChunk
    {
        public override long Length => 1 << 20;
        internal override void WriteTo(Stream original, Stream output, byte[] buffer)
        {
            output.Write(new byte[4096]);
            throw new IOException("disk full (simulated)");
        }
    }

    [Fact]
    public void A_write_that_fails_half_way_leaves_no_output_file_and_no_temporary()
    {
        using var dir = new TempDir();
        var input = dir.Write("in.mlmodel", File.ReadAllBytes(FixTestSupport.Sample));
        var before = CorpusHashes.Snapshot(dir.Path);
        using (var model = RewritableModel.Open(input))
        {
            model.Root.NetworkEdit.Appended.Add(new FailingChunk());
            Assert.Throws<IOException>(() => model.Write(dir.File("out.mlmodel"), []));
        }
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(dir.Path));
        Assert.Equal(new[] { "in.mlmodel" }, dir.Entries());
    }

    [Fact]
    public void A_package_write_that_fails_half_way_leaves_no_package()
    {
        using var dir = new TempDir();
        dir.Write("in.mlpackage/Manifest.json", """
            {"fileFormatVersion":"1.0.0","itemInfoEntries":{"A":{"author":"com.apple.CoreML","description":"CoreML Model Specification","name":"model.mlmodel","path":"com.apple.CoreML/model.mlmodel"}},"rootModelIdentifier":"A"}
            """);
        dir.Write("in.mlpackage/Data/com.apple.CoreML/model.mlmodel", File.ReadAllBytes(FixTestSupport.Sample));
        using (var model = RewritableModel.Open(dir.File("in.mlpackage")))
        {
            model.Root.NetworkEdit.Appended.Add(new FailingChunk());
            Assert.Throws<IOException>(() => model.Write(dir.File("out.mlpackage"), []));
        }
        Assert.Equal(new[] { "in.mlpackage" }, dir.Entries());
    }
}
