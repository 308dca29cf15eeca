using System.IO.Compression;
using System.Text.Json;
using AneCompat.Diagnostics;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reading;

/// <summary>
/// .zip and .ipa archives read in place: models inside (an .mlmodel, a compiled .mlmodelc, an .mlpackage) give the
/// same answers as on disk, nothing is extracted, and hostile archives — zip-slip names, a zip bomb, too many
/// entries — are refused in one line with exit 3, writing nothing.
/// </summary>
public class ArchiveTests
{
    /// <summary>Adds every file under <paramref name="source"/> to the archive under <paramref name="prefix"/>.</summary>
    private static void AddTree(ZipArchive zip, string source, string prefix)
    {
        if (File.Exists(source)) { zip.CreateEntryFromFile(source, prefix); return; }
        foreach (var f in Directory.GetFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            zip.CreateEntryFromFile(f, prefix + "/" + Path.GetRelativePath(source, f).Replace(Path.DirectorySeparatorChar, '/'));
    }

    private static string App(TempDir t, string name, string prefix)
    {
        var path = t.File(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        AddTree(zip, Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), prefix + "Models/MNIST.mlmodel");
        AddTree(zip, Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), prefix + "Swish.mlmodel");
        AddTree(zip, Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc"), prefix + "Argmax.mlmodelc");
        AddTree(zip, Corpus.Path("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage"), prefix + "Cifar.mlpackage");
        zip.CreateEntry(prefix + "Info.plist").Open().Dispose();
        return path;
    }

    private static string[] Listing(string dir) =>
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private static string Line(string relative, string output) =>
        Assert.Single(output.Split('\n'), l => l.Contains(" " + relative + ":"));

    [CorpusFact]
    public void ModelsInsideAZipGiveTheSameAnswersAsOnDiskWithoutExtracting()
    {
        using var t = new TempDir();
        var zip = App(t, "models.zip", "");
        var before = Listing(t.Path);
        var r = CliRunner.Run(zip);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stderr);  // no progress line when standard error is not a terminal
        Assert.StartsWith("2 ", Line("Models/MNIST.mlmodel", r.Stdout));  // too little work for the ANE: placement keeps it on the CPU
        Assert.StartsWith("1 ", Line("Swish.mlmodel", r.Stdout));
        Assert.StartsWith("2 ", Line("Argmax.mlmodelc", r.Stdout));
        Assert.Contains("4 model(s)", r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        // The same answer as the model on disk, ops and all.
        var inZip = Line("Cifar.mlpackage", r.Stdout);
        var onDisk = CliRunner.Run(Path.GetDirectoryName(Corpus.Path("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage"))!);
        Assert.Equal(inZip[inZip.IndexOf(':')..], Line("CIFAR10NetMPS_4.mlpackage", onDisk.Stdout)[Line("CIFAR10NetMPS_4.mlpackage", onDisk.Stdout).IndexOf(':')..]);
        Assert.Equal(before, Listing(t.Path));
    }

    [CorpusFact]
    public void ALinkEntryNamingAModelIsNotFollowedAndIsSaid()
    {
        using var t = new TempDir();
        var path = t.File("links.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            AddTree(zip, Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), "MNIST.mlmodel");
            foreach (var (name, target) in new[] { ("Secret.mlmodel", "../../etc/passwd"), ("Frameworks/Current", "A") })
            {
                var link = zip.CreateEntry(name);
                link.ExternalAttributes = unchecked((int)0xA1FF_0000); // S_IFLNK | 0777, as zip -y writes it
                using var w = new StreamWriter(link.Open());
                w.Write(target);
            }
        }
        var r = CliRunner.Run(path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("1 model(s)", r.Stdout);
        Assert.Equal($"anecompat: warning: {Path.Combine(path, "Secret.mlmodel")}: symbolic-link entry in an archive; not followed", r.Stderr.Trim());
    }

    [CorpusFact]
    public void AnIpaIsReadThroughPayloadAppAndItsSarifPointsAtTheIpa()
    {
        using var t = new TempDir();
        var ipa = App(t, "Demo.ipa", "Payload/Demo.app/");
        var r = CliRunner.Run(ipa, "--format", "sarif", "--sarif-root", t.Path);
        Assert.Equal(2, r.ExitCode);
        SarifValidator.AssertValid(r.Stdout);
        using var doc = JsonDocument.Parse(r.Stdout);
        var results = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, x => Assert.Equal("Demo.ipa", x.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
        Assert.Contains(results, x => x.GetProperty("message").GetProperty("text").GetString()!.StartsWith("Payload/Demo.app/Swish.mlmodel: op #"));
        // Two models of one .ipa never share a fingerprint.
        var prints = results.Select(x => x.GetProperty("partialFingerprints").EnumerateObject().Single().Value.GetString()).ToList();
        Assert.Equal(prints.Count, prints.Distinct().Count());

        var json = CliRunner.Run(ipa, "--format", "json");
        using var folder = JsonDocument.Parse(json.Stdout);
        Assert.Equal(4, folder.RootElement.GetProperty("models").GetArrayLength());
        Assert.EndsWith("Payload/Demo.app/Argmax.mlmodelc", folder.RootElement.GetProperty("models")[0].GetProperty("model").GetProperty("path").GetString());
    }

    [CorpusTheory]
    [InlineData("../evil.mlmodel", "'..'")]
    [InlineData("Payload/../../evil.mlmodel", "'..'")]
    [InlineData("/tmp/evil.mlmodel", "absolute")]
    [InlineData("C:/evil.mlmodel", "absolute")]
    [InlineData("Payload\\..\\evil.mlmodel", "backslash")]
    public void ZipSlipNamesAreRefusedInOneLineWritingNothing(string entry, string why)
    {
        using var t = new TempDir();
        var inner = Path.Combine(t.Path, "in");
        Directory.CreateDirectory(inner);
        var zip = Path.Combine(inner, "slip.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            AddTree(z, Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), "ok.mlmodel");
            AddTree(z, Corpus.Path("mnist-ph1ps/MNIST.mlmodel"), entry);
        }
        var before = Listing(t.Path);
        var r = CliRunner.Run(zip, Path.Combine(inner, "logs"));
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(zip, line);
        Assert.Contains(why, line);
        Assert.Contains("zip-slip", line);
        Assert.Equal(before, Listing(t.Path));
        Assert.False(File.Exists("/tmp/evil.mlmodel"));
    }

    [Fact]
    public void AZipBombIsRefusedByItsCompressionRatio()
    {
        using var t = new TempDir();
        var zip = t.File("bomb.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create))
        using (var s = z.CreateEntry("Payload/App.app/model.mlmodel", CompressionLevel.SmallestSize).Open())
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++) s.Write(zeros);
        }
        Assert.True(new FileInfo(zip).Length < 1 << 20);
        var before = Listing(t.Path);
        var r = CliRunner.Run(zip);
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("zip bomb", line);
        Assert.Contains($"{Limits.MaxArchiveCompressionRatio}:1", line);
        Assert.Equal(before, Listing(t.Path));
    }

    [Fact]
    public void MoreEntriesThanTheLimitAreRefusedBeforeTheListIsRead()
    {
        using var t = new TempDir();
        var zip = t.File("many.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create))
            for (var i = 0; i <= Limits.MaxArchiveEntries; i++)
                z.CreateEntry($"f{i}", CompressionLevel.NoCompression);
        var r = CliRunner.Run(zip);
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{Limits.MaxArchiveEntries + 1} entries, over the limit of {Limits.MaxArchiveEntries}", line);
    }

    [Fact]
    public void AZip64EntryCountOverTheLimitIsRefusedFromItsEndRecord()
    {
        // Only the end records: a zip64 end record claiming 2^40 entries, its locator, and the classic record whose
        // 16-bit count says 0xFFFF ("see zip64"). Refused before the runtime's parser is asked to list anything.
        var zip64 = new byte[56];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(zip64, 0x06064b50);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(zip64.AsSpan(4), 44);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(zip64.AsSpan(24), 1UL << 40);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(zip64.AsSpan(32), 1UL << 40);
        var locator = new byte[20];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
        var end = new byte[22];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), ushort.MaxValue);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), ushort.MaxValue);
        using var t = new TempDir();
        var zip = t.Write("many64.zip", [.. zip64, .. locator, .. end]);
        var r = CliRunner.Run(zip);
        Assert.Equal(3, r.ExitCode);
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"archive has {1UL << 40} entries, over the limit of {Limits.MaxArchiveEntries}", line);

        // A locator pointing past the end of the file is a one-line error too.
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(locator.AsSpan(8), 1UL << 50);
        var bad = CliRunner.Run(t.Write("bad64.zip", [.. zip64, .. locator, .. end]));
        Assert.Equal(3, bad.ExitCode);
        Assert.Contains("zip64 end record lies outside the file", bad.Stderr);
    }

    [Fact]
    public void ACorruptArchiveAndAnArchiveWithoutModelsAreOneLineErrors()
    {
        using var t = new TempDir();
        var bad = t.Write("bad.zip", new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3 });
        var r = CliRunner.Run(bad);
        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var empty = t.File("empty.ipa");
        using (var z = ZipFile.Open(empty, ZipArchiveMode.Create)) z.CreateEntry("Payload/App.app/Info.plist").Open().Dispose();
        var none = CliRunner.Run(empty);
        Assert.Equal(3, none.ExitCode);
        Assert.Contains("no Core ML models", none.Stderr);
    }
}
