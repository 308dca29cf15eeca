using AneCompat.Diagnostics;
using AneCompat.Schema;
using AneCompat.Tests.Support;
using Google.Protobuf;

namespace AneCompat.Tests.Robustness;

/// <summary>
/// Each limit in <see cref="Limits"/> that the containers and the protobuf reader enforce is hit by a small model
/// built here, and the one-line error names the limit's value and what it bounds.
/// </summary>
public class LimitTests
{
    private static ModelReadException Refused(string path)
    {
        var e = Assert.Throws<ModelReadException>(() => ModelReader.Read(path));
        Assert.Null(Fuzzing.ReadOutcome.CheckMessage(e));
        return e;
    }

    private static byte[] Field(int number, byte[] payload)
    {
        var tag = Fuzzing.WireScan.EncodeVarint((ulong)(number << 3 | 2));
        return [.. tag, .. Fuzzing.WireScan.EncodeVarint((ulong)payload.Length), .. payload];
    }

    private static byte[] SpecVersion(int v) => [0x08, (byte)v];

    [Fact]
    public void ProtobufDepthOfMessagesThatHoldWeights()
    {
        // Pipeline in pipeline, 60 deep: 120 message levels, walked by the weight-eliding reader itself.
        var model = SpecVersion(1);
        for (var i = 0; i < 60; i++) model = [.. SpecVersion(1), .. Field(202, Field(1, model))];
        using var t = new TempDir();
        var e = Refused(t.Write("deep.mlmodel", model));
        Assert.Contains($"messages nested deeper than {Limits.MaxProtobufDepth} levels", e.Message);
    }

    [Fact]
    public void ProtobufDepthOfProgramBlocks()
    {
        // ML program blocks in operations in blocks, 120 deep: these messages hold no weights, so the parser's own
        // depth limit (set to the same constant) refuses them; the error is still ours, in the same words.
        var block = Array.Empty<byte>();
        for (var i = 0; i < 120; i++) block = Field(3, Field(4, block)); // Block.operations → Operation.blocks
        var function = Field(3, [.. Field(1, "CoreML5"u8.ToArray()), .. Field(2, block)]); // block_specializations entry
        var program = Field(2, [.. Field(1, "main"u8.ToArray()), .. Field(2, function)]);   // functions entry
        byte[] model = [.. SpecVersion(7), .. Field(502, program)];
        using var t = new TempDir();
        var e = Refused(t.Write("deep-program.mlmodel", model));
        Assert.Contains($"messages nested deeper than {Limits.MaxProtobufDepth} levels", e.Message);
    }

    [Fact]
    public void ProtobufMessages()
    {
        // neuralNetwork holding one more empty layer than the limit allows: 2 bytes each on disk, far more parsed.
        var count = Limits.MaxProtobufMessages; // with the Model and the NeuralNetwork around them: limit + 2
        var layers = new byte[2 * count];
        // Empty preprocessing messages (NeuralNetwork field 2), not layers: layers would meet the lower op limit first.
        for (var i = 0; i < layers.Length; i += 2) layers[i] = 0x12;
        using var t = new TempDir();
        var path = t.Write("many-layers.mlmodel", [.. SpecVersion(4), .. Field(500, layers)]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(path);
        Assert.Contains($"over the limit of {Limits.MaxProtobufMessages} protobuf messages", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 512L * 1024 * 1024);
    }

    [Fact]
    public void OpsAreCountedWhileWalkingBeforeAnythingIsParsed()
    {
        // One layer more than the op limit, a few dozen bytes each on disk: refused during the wire walk, so the
        // parser never builds the layers (which cost kilobytes each once decoded, analysed and written).
        using var t = new TempDir();
        var path = t.Write("too-many-ops.mlmodel", Output.OutputClobberTests.ManyReluLayers(Limits.MaxOps + 1));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(path);
        Assert.Contains($"more than {Limits.MaxOps} ops", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 256L * 1024 * 1024);
    }

    [Fact]
    public void PipelineDepth()
    {
        var model = new Model { SpecificationVersion = 1, GlmRegressor = new GLMRegressor() };
        for (var i = 0; i < Limits.MaxPipelineDepth + 2; i++)
            model = new Model { SpecificationVersion = 1, Pipeline = new Pipeline { Models = { model } } };
        using var t = new TempDir();
        var e = Refused(t.Write("pipelines.mlmodel", model.ToByteArray()));
        Assert.Contains($"pipelines nested deeper than {Limits.MaxPipelineDepth} levels", e.Message);
    }

    [Fact]
    public void PipelineDepthAtTheLimitIsRead()
    {
        var model = new Model { SpecificationVersion = 1, GlmRegressor = new GLMRegressor() };
        for (var i = 0; i < Limits.MaxPipelineDepth; i++)
            model = new Model { SpecificationVersion = 1, Pipeline = new Pipeline { Models = { model } } };
        using var t = new TempDir();
        var graph = ModelReader.Read(t.Write("pipelines.mlmodel", model.ToByteArray()));
        var depth = 0;
        for (var node = graph.Root; node.Children.Count > 0; node = node.Children[0]) depth++;
        Assert.Equal(Limits.MaxPipelineDepth, depth);
    }

    [Fact]
    public void PipelineMembers()
    {
        var pipeline = new Pipeline();
        for (var i = 0; i <= Limits.MaxPipelineMembers; i++) pipeline.Models.Add(new Model { SpecificationVersion = 1 });
        using var t = new TempDir();
        var e = Refused(t.Write("wide.mlmodel", new Model { SpecificationVersion = 1, Pipeline = pipeline }.ToByteArray()));
        Assert.Contains($"pipeline has {Limits.MaxPipelineMembers + 1} members, over the limit of {Limits.MaxPipelineMembers}", e.Message);
    }

    [Fact]
    public void FunctionsOfOneProgram()
    {
        var program = new AneCompat.Schema.Mil.Program { Version = 1 };
        for (var i = 0; i <= Limits.MaxFunctions; i++) program.Functions.Add($"f{i}", new AneCompat.Schema.Mil.Function());
        using var t = new TempDir();
        var e = Refused(t.Write("functions.mlmodel", new Model { SpecificationVersion = 7, MlProgram = program }.ToByteArray()));
        Assert.Contains($"{Limits.MaxFunctions + 1} functions, over the limit of {Limits.MaxFunctions}", e.Message);
    }

    [Fact]
    public void LengthFieldBeyondItsMessageButInsideTheFile()
    {
        // neuralNetwork (500) holds 4 bytes, but its first layer claims 10: the file has them, the message does not.
        byte[] model = [.. SpecVersion(4), .. Field(500, [0x0A, 0x0A, 0x41, 0x42]), .. Enumerable.Repeat(SpecVersion(4), 10).SelectMany(b => b)];
        using var t = new TempDir();
        var e = Refused(t.Write("overrun.mlmodel", model));
        Assert.Contains("claims 10 bytes, but only 2 remain in its message", e.Message);
    }

    [Fact]
    public void LengthInsideAWeightHoldingMessageBeyondTheFile()
    {
        // neuralNetwork (500) → layers (1) claiming 2^40 bytes.
        byte[] layers = [0x0A, .. Fuzzing.WireScan.EncodeVarint(1UL << 40), 0x01];
        byte[] model = [.. SpecVersion(4), .. Field(500, layers)];
        using var t = new TempDir();
        var e = Refused(t.Write("huge-layer.mlmodel", model));
        Assert.Contains($"claims {1UL << 40} bytes", e.Message);
    }

    [Fact]
    public void StructureBytes()
    {
        // description.metadata.shortDescription claiming more than the structure limit, in a sparse file: refused
        // before a byte of it is copied.
        var claimed = Limits.MaxStructureBytes + 1;
        static byte[] V(long v) => Fuzzing.WireScan.EncodeVarint((ulong)v);
        byte[] shortDescription = [0x0A, .. V(claimed)];
        byte[] metadata = [.. V(100 << 3 | 2), .. V(shortDescription.Length + claimed), .. shortDescription];
        byte[] description = [0x12, .. V(metadata.Length + claimed), .. metadata];
        using var t = new TempDir();
        var path = t.File("big.mlmodel");
        using (var f = new FileStream(path, FileMode.CreateNew))
        {
            f.Write([.. SpecVersion(4), .. description]);
            f.SetLength(f.Position + claimed);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(path);
        Assert.Contains($"exceeds the limit of {Limits.MaxStructureBytes} bytes", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
    }

    [Fact]
    public void DeepNestingDoesNotMultiplyMemory()
    {
        // 45 pipelines deep (90 message levels, under the depth limit) around a 4 MiB description. Each nested
        // message used to be buffered separately at every level (45 copies); now the structure is one buffer.
        const int payload = 4 * 1024 * 1024;
        var inner = new Model
        {
            SpecificationVersion = 1,
            Description = new ModelDescription { Metadata = new Metadata { ShortDescription = new string('x', payload) } },
        };
        for (var i = 0; i < 45; i++) inner = new Model { SpecificationVersion = 1, Pipeline = new Pipeline { Models = { inner } } };
        using var t = new TempDir();
        var path = t.Write("deep-and-wide.mlmodel", inner.ToByteArray());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(path); // the pipeline depth limit refuses it after the structure is read
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("pipelines nested deeper", e.Message);
        Assert.True(allocated < 20L * payload, $"reading allocated {allocated / (1024 * 1024)} MiB for a {payload / (1024 * 1024)} MiB file");
    }

    private static string Package(TempDir t, string manifest)
    {
        var pkg = Path.Combine(t.Path, "p.mlpackage");
        Directory.CreateDirectory(Path.Combine(pkg, "Data", "com.apple.CoreML"));
        File.Copy(Corpus.Path("insurance-xgboost/insurance_model.mlmodel"), Path.Combine(pkg, "Data", "com.apple.CoreML", "model.mlmodel"));
        File.WriteAllText(Path.Combine(pkg, "Manifest.json"), manifest);
        return pkg;
    }

    private const string GoodManifest = "{\"fileFormatVersion\":\"1.0.0\",\"itemInfoEntries\":{\"A\":{\"path\":\"com.apple.CoreML/model.mlmodel\"}},\"rootModelIdentifier\":\"A\"}";

    [CorpusFact]
    public void ManifestSize()
    {
        using var t = new TempDir();
        var padded = GoodManifest[..^1] + ",\"pad\":\"" + new string(' ', (int)Limits.MaxManifestBytes) + "\"}";
        var e = Refused(Package(t, padded));
        Assert.Contains($"over the limit of {Limits.MaxManifestBytes}", e.Message);
        Assert.Contains("Manifest.json", e.Message);
    }

    [CorpusFact]
    public void ManifestDepth()
    {
        using var t = new TempDir();
        var deep = GoodManifest[..^1] + ",\"x\":" + new string('[', Limits.MaxJsonDepth + 1) + new string(']', Limits.MaxJsonDepth + 1) + "}";
        var e = Refused(Package(t, deep));
        Assert.Contains("Manifest.json is not valid JSON", e.Message);
        Assert.Contains($"depth of {Limits.MaxJsonDepth}", e.Message);
    }

    [CorpusFact]
    public void ManifestWithinLimitsIsRead()
    {
        using var t = new TempDir();
        var deep = GoodManifest[..^1] + ",\"x\":" + new string('[', Limits.MaxJsonDepth - 2) + new string(']', Limits.MaxJsonDepth - 2) + "}";
        Assert.Equal("treeEnsembleRegressor", ModelReader.Read(Package(t, deep)).Root.ModelType);
    }

    [CorpusFact]
    public void ManifestThatIsASymlinkLeavingThePackageIsRefused()
    {
        using var t = new TempDir();
        var pkg = Package(t, GoodManifest);
        var outside = t.Write("outside.json", GoodManifest);
        File.Delete(Path.Combine(pkg, "Manifest.json"));
        File.CreateSymbolicLink(Path.Combine(pkg, "Manifest.json"), outside);
        Assert.Contains("symbolic link", Refused(pkg).Message);
    }

    [CorpusFact]
    public void DataFolderThatIsASymlinkLeavingThePackageIsRefused()
    {
        using var t = new TempDir();
        var pkg = Package(t, GoodManifest);
        Directory.Move(Path.Combine(pkg, "Data"), Path.Combine(t.Path, "Data-outside"));
        Directory.CreateSymbolicLink(Path.Combine(pkg, "Data"), Path.Combine(t.Path, "Data-outside"));
        Assert.Contains("symbolic link", Refused(pkg).Message);
    }

    [Fact]
    public void CompiledModelWithALinkLeavingItIsRefusedBeforeDecoding()
    {
        // Covers every file a compiled-model decoder opens by name: coremldata.bin here points at a file outside.
        using var t = new TempDir();
        var outside = t.Write("secret.bin", new byte[] { 1, 2, 3 });
        var mlmodelc = Path.Combine(t.Path, "m.mlmodelc");
        Directory.CreateDirectory(mlmodelc);
        File.CreateSymbolicLink(Path.Combine(mlmodelc, "coremldata.bin"), outside);
        var e = Refused(mlmodelc);
        Assert.Contains("'coremldata.bin' is a symbolic link that leaves the model folder", e.Message);
    }

    [CorpusFact]
    public void SymlinkLoopInAPackageIsRefused()
    {
        using var t = new TempDir();
        var pkg = Package(t, GoodManifest.Replace("com.apple.CoreML/model.mlmodel", "a/model.mlmodel"));
        Directory.CreateSymbolicLink(Path.Combine(pkg, "Data", "a"), "b");
        Directory.CreateSymbolicLink(Path.Combine(pkg, "Data", "b"), "a");
        Assert.Contains("in a loop", Refused(pkg).Message);
    }

    [Fact]
    public void ModelsInAFolder()
    {
        // Scanning an app bundle or a download folder stops at the limit instead of listing forever.
        using var t = new TempDir();
        for (var i = 0; i <= Limits.MaxModelsInFolder; i++)
            File.WriteAllBytes(t.File($"m{i:D5}.mlmodel"), []);
        var e = Assert.Throws<ModelReadException>(() => AneCompat.Containers.ModelLocator.FindModels(t.Path));
        Assert.Contains($"more than {Limits.MaxModelsInFolder} models under this folder", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\0b")]
    public void UnusablePathsAreReadErrors(string path)
    {
        var e = Assert.Throws<ModelReadException>(() => ModelReader.Read(path));
        Assert.DoesNotContain("\n", e.Message);
    }
}
