using System.Buffers.Binary;
using AneCompat.Decoders.Blobs;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Robustness;

/// <summary>
/// <c>@model_path/…</c> weight references checked by MilBlobReader itself: they stay inside the model folder and
/// every offset and size is checked against the weight file (formats.md (c): 64-byte storage header with version 2,
/// then 64-byte blob records starting with 0xDEADBEEF, payload size at +8 and absolute payload offset at +16).
/// </summary>
public class BlobReferenceTests
{
    private const string Reference = "@model_path/weights/weight.bin";

    /// <summary>A storage v2 file with one fp16 blob of 32 bytes: header, record at 64, payload at 128.</summary>
    private static byte[] WeightFile(uint version = 2, uint sentinel = 0xDEADBEEF, ulong size = 32, ulong dataOffset = 128)
    {
        var b = new byte[160];
        BinaryPrimitives.WriteUInt32LittleEndian(b, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4), version);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(64), sentinel);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(68), 1); // fp16
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(72), size);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(80), dataOffset);
        return b;
    }

    private static ModelReadException Refused(TempDir t, string reference, ulong offset = 64)
    {
        using var reader = new MilBlobReader(Path.Combine(t.Path, "model"), new List<ReadWarning>());
        var e = Assert.Throws<ModelReadException>(() => reader.Resolve(reference, offset, ElementType.Float16));
        Assert.Null(ReadOutcomeMessageProblem(e));
        return e;
    }

    private static string? ReadOutcomeMessageProblem(ModelReadException e) => Fuzzing.ReadOutcome.CheckMessage(e);

    [Fact]
    public void ValidReferenceGivesSizeWithoutReadingPayload()
    {
        using var t = new TempDir();
        t.Write("model/weights/weight.bin", WeightFile());
        using var reader = new MilBlobReader(Path.Combine(t.Path, "model"), new List<ReadWarning>());
        var w = reader.Resolve(Reference, 64, ElementType.Float32);
        Assert.True(w.Resolved);
        Assert.Equal(32, w.SizeBytes);
        Assert.Equal(ElementType.Float16, w.Element); // the record's dtype wins over the declared one
    }

    [Fact]
    public void DotDotIsRefused()
    {
        using var t = new TempDir();
        t.Write("weight.bin", WeightFile());
        var e = Refused(t, "@model_path/../weight.bin");
        Assert.Contains("'..'", e.Message);
        Refused(t, "@model_path/weights/../../weight.bin");
    }

    [Fact]
    public void AbsolutePathsAreRefused()
    {
        using var t = new TempDir();
        var outside = t.Write("weight.bin", WeightFile());
        Assert.Contains("absolute path", Refused(t, "@model_path/" + outside).Message);
        Assert.Contains("does not start with @model_path/", Refused(t, outside).Message);
    }

    [Fact]
    public void SymlinkedWeightsFolderLeadingOutsideIsRefused()
    {
        using var t = new TempDir();
        t.Write("elsewhere/weight.bin", WeightFile());
        Directory.CreateDirectory(Path.Combine(t.Path, "model"));
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "model", "weights"), Path.Combine(t.Path, "elsewhere"));
        Assert.Contains("symbolic link", Refused(t, Reference).Message);
    }

    [Fact]
    public void SymlinkedWeightFileLeadingOutsideThroughARelativeChainIsRefused()
    {
        // model/weights/weight.bin → ../hop/weight.bin, and model/hop → ../../elsewhere: each link alone looks local.
        using var t = new TempDir();
        t.Write("elsewhere/weight.bin", WeightFile());
        Directory.CreateDirectory(Path.Combine(t.Path, "model", "weights"));
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "model", "hop"), "../elsewhere");
        File.CreateSymbolicLink(Path.Combine(t.Path, "model", "weights", "weight.bin"), "../hop/weight.bin");
        Assert.Contains("symbolic link", Refused(t, Reference).Message);
    }

    [Fact]
    public void SymlinkInsideTheModelIsFollowed()
    {
        using var t = new TempDir();
        t.Write("model/store/weight.bin", WeightFile());
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "model", "weights"), "store");
        using var reader = new MilBlobReader(Path.Combine(t.Path, "model"), new List<ReadWarning>());
        Assert.Equal(32, reader.Resolve(Reference, 64, ElementType.Float16).SizeBytes);
    }

    [Fact]
    public void SymlinkLoopIsRefused()
    {
        using var t = new TempDir();
        Directory.CreateDirectory(Path.Combine(t.Path, "model"));
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "model", "a"), "b");
        Directory.CreateSymbolicLink(Path.Combine(t.Path, "model", "b"), "a");
        Assert.Contains("in a loop", Refused(t, "@model_path/a/weight.bin").Message);
    }

    [Theory]
    [InlineData(160UL)]
    [InlineData(150UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    public void OffsetPastTheEndIsRefused(ulong offset)
    {
        using var t = new TempDir();
        t.Write("model/weights/weight.bin", WeightFile());
        Assert.Contains("points past the end of the file (160 bytes)", Refused(t, Reference, offset).Message);
    }

    [Theory]
    [InlineData(33UL, 128UL)]
    [InlineData(32UL, 129UL)]
    [InlineData(ulong.MaxValue, 128UL)]
    [InlineData(1UL, ulong.MaxValue)]
    public void SizePastTheEndIsRefused(ulong size, ulong dataOffset)
    {
        using var t = new TempDir();
        t.Write("model/weights/weight.bin", WeightFile(size: size, dataOffset: dataOffset));
        Assert.Contains("beyond the file's 160 bytes", Refused(t, Reference).Message);
    }

    [Fact]
    public void BadSentinelIsRefused()
    {
        using var t = new TempDir();
        t.Write("model/weights/weight.bin", WeightFile(sentinel: 0xDEADBEEE));
        Assert.Contains("no blob metadata (0xDEADBEEF) at offset 64", Refused(t, Reference).Message);
        // An offset that is inside the file but not at a record (the header) is refused the same way.
        Assert.Contains("no blob metadata", Refused(t, Reference, 0).Message);
    }

    [Theory]
    [InlineData(1U)]
    [InlineData(3U)]
    public void WrongStorageVersionIsRefused(uint version)
    {
        using var t = new TempDir();
        t.Write("model/weights/weight.bin", WeightFile(version: version));
        Assert.Contains($"blob storage version {version}", Refused(t, Reference).Message);
    }

    [Fact]
    public void FileShorterThanItsHeaderIsRefused()
    {
        using var t = new TempDir();
        t.Write("model/weights/weight.bin", new byte[40]);
        Assert.Contains("shorter than its 64-byte header", Refused(t, Reference).Message);
    }

    [Fact]
    public void MissingWeightFileIsAWarningNotAnError()
    {
        // Spec-only packages (weights stripped) are common: the graph is still worth having.
        using var t = new TempDir();
        Directory.CreateDirectory(Path.Combine(t.Path, "model"));
        var warnings = new List<ReadWarning>();
        using var reader = new MilBlobReader(Path.Combine(t.Path, "model"), warnings);
        var w = reader.Resolve(Reference, 64, ElementType.Float16);
        reader.Resolve(Reference, 192, ElementType.Float16);
        Assert.False(w.Resolved);
        Assert.Null(w.SizeBytes);
        Assert.Single(warnings); // once per file, not once per reference
    }
}
