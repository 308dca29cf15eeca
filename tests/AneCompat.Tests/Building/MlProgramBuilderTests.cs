using System.Buffers.Binary;
using System.Text.Json;
using AneCompat.Building;
using AneCompat.Containers;
using AneCompat.Decoders.Blobs;
using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Building;

public class MlProgramBuilderTests
{
    /// <summary>x[1,3,8,8] → conv(3×3, 4 out, fp32 weights in the blob file) → relu → y.</summary>
    internal static MlProgramBuilder ConvProgram() => new MlProgramBuilder()
        .Function("main", f => f
            .Input("x", MilTypes.Tensor(DataType.Float32, 1, 3, 8, 8))
            .ConstBlob("w", DataType.Float32, [4, 3, 3, 3])
            .ConstBlob("b", DataType.Float16, [4, 10])
            .Const("strides", MilValues.Int32s(1, 1))
            .Const("pad_type", MilValues.String("same"))
            .Op("conv", new MilInputs { ["x"] = "x", ["weight"] = "w", ["strides"] = "strides", ["pad_type"] = "pad_type", ["groups"] = MilValues.Int32(1) },
                "c", MilTypes.Tensor(DataType.Float32, 1, 4, 8, 8))
            .Op("relu", new MilInputs { ["x"] = "c" }, "y", MilTypes.Tensor(DataType.Float32, 1, 4, 8, 8))
            .Output("y"));

    private static Model ParsePackageModel(string package)
    {
        var modelPath = PackageManifest.ResolveRootModel(package);
        return Model.Parser.ParseFrom(File.ReadAllBytes(modelPath));
    }

    [Fact]
    public void Package_layout_resolves_and_weights_are_readable()
    {
        using var dir = new TempDir();
        var package = dir.File("conv.mlpackage");
        var builder = ConvProgram();
        builder.WritePackage(package);

        var modelPath = PackageManifest.ResolveRootModel(package);
        Assert.Equal(Path.Combine(package, "Data", "com.apple.CoreML", "model.mlmodel"), modelPath);
        using (var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(package, "Manifest.json"))))
        {
            var root = manifest.RootElement;
            Assert.Equal("1.0.0", root.GetProperty("fileFormatVersion").GetString());
            var rootId = root.GetProperty("rootModelIdentifier").GetString()!;
            Assert.Equal(rootId.ToUpperInvariant(), rootId);
            Assert.True(Guid.TryParse(rootId, out _));
            var entries = root.GetProperty("itemInfoEntries").EnumerateObject().ToList();
            Assert.Equal(2, entries.Count);
            foreach (var e in entries)
                foreach (var key in new[] { "path", "name", "author", "description" })
                    Assert.Equal(JsonValueKind.String, e.Value.GetProperty(key).ValueKind);
            Assert.Contains(entries, e => e.Value.GetProperty("path").GetString() == "com.apple.CoreML/weights");
        }

        var model = Model.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        Assert.Equal(builder.Build(), model);
        Assert.Equal(8, model.SpecificationVersion);
        var function = model.MlProgram.Functions["main"];
        Assert.Equal("CoreML7", function.Opset);
        var block = function.BlockSpecializations["CoreML7"];
        Assert.Equal(new[] { "const", "const", "const", "const", "conv", "relu" }, block.Operations.Select(o => o.Type));
        Assert.Equal("c", block.Operations[4].Attributes["name"].ImmediateValue.Tensor.Strings.Values[0]);
        Assert.Equal("w", block.Operations[4].Inputs["weight"].Arguments[0].Name);
        Assert.Equal(1, block.Operations[4].Inputs["groups"].Arguments[0].Value.ImmediateValue.Tensor.Ints.Values[0]);

        // The description is derived from the MIL types.
        Assert.Equal(new long[] { 1, 3, 8, 8 }, model.Description.Input.Single().Type.MultiArrayType.Shape);
        Assert.Equal("y", model.Description.Output.Single().Name);

        var warnings = new List<ReadWarning>();
        using var blobs = new MilBlobReader(Path.GetDirectoryName(modelPath)!, warnings);
        var w = block.Operations[0].Attributes["val"].BlobFileValue;
        var b = block.Operations[1].Attributes["val"].BlobFileValue;
        Assert.Equal("@model_path/weights/weight.bin", w.FileName);
        var wRef = blobs.Resolve(w.FileName, w.Offset, ElementType.Unknown);
        var bRef = blobs.Resolve(b.FileName, b.Offset, ElementType.Unknown);
        Assert.Empty(warnings);
        Assert.Equal((ElementType.Float32, (long?)(4 * 3 * 3 * 3 * 4)), (wRef.Element, wRef.SizeBytes));
        Assert.Equal((ElementType.Float16, (long?)(4 * 10 * 2)), (bRef.Element, bRef.SizeBytes));
        Assert.Equal(64UL, w.Offset);
        Assert.Equal(0UL, b.Offset % 64);
    }

    [Fact]
    public void Blob_storage_follows_the_v2_layout()
    {
        // formats.md §c worked example: fp32[500] blobs; the first metadata at 64, data at 128, 2000 bytes → next
        // metadata aligned up to 2176.
        using var dir = new TempDir();
        var builder = new MlProgramBuilder().Function("main", f => f
            .Input("x", MilTypes.Tensor(DataType.Float32, 500))
            .ConstBlob("a", DataType.Float32, [500])
            .ConstBlob("b", DataType.Float32, [500])
            .ConstBlob("q", DataType.Int4, [5])
            .Op("add", new MilInputs { ["x"] = "x", ["y"] = "a" }, "y", MilTypes.Tensor(DataType.Float32, 500))
            .Output("y"));
        var path = dir.File("weight.bin");
        builder.WriteWeights(path);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        Assert.All(bytes[8..64], x => Assert.Equal(0, x));

        var offsets = builder.Build().MlProgram.Functions["main"].BlockSpecializations["CoreML7"].Operations
            .Where(o => o.Type == "const").Select(o => o.Attributes["val"].BlobFileValue.Offset).ToArray();
        Assert.Equal(new ulong[] { 64, 2176, 4288 }, offsets);
        foreach (var (offset, size, dtype) in new[] { (64UL, 2000UL, 2u), (2176UL, 2000UL, 2u), (4288UL, 3UL, 8u) })
        {
            var record = bytes.AsSpan((int)offset, 64);
            Assert.Equal(0xDEADBEEFu, BinaryPrimitives.ReadUInt32LittleEndian(record));
            Assert.Equal(dtype, BinaryPrimitives.ReadUInt32LittleEndian(record[4..]));
            Assert.Equal(size, BinaryPrimitives.ReadUInt64LittleEndian(record[8..]));
            Assert.Equal(offset + 64, BinaryPrimitives.ReadUInt64LittleEndian(record[16..]));
        }
        // int4 × 5 = 20 bits in 3 bytes: 4 unused trailing bits.
        Assert.Equal(4UL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(4288 + 24)));
        Assert.Equal(4288 + 64 + 3, bytes.Length);
    }

    [Fact]
    public void Nonstandard_author_folder_and_lowercase_identifiers_resolve()
    {
        using var dir = new TempDir();
        var package = dir.File("ort.mlpackage");
        ConvProgram()
            .PackageIdentifiers("0739e6a4-1111-2222-3333-444455556666", "adfb7802-1111-2222-3333-444455556666")
            .WritePackage(package, author: "com.microsoft.OnnxRuntime");
        Assert.Equal(Path.Combine(package, "Data", "com.microsoft.OnnxRuntime", "model.mlmodel"), PackageManifest.ResolveRootModel(package));
        Assert.True(File.Exists(Path.Combine(package, "Data", "com.microsoft.OnnxRuntime", "weights", "weight.bin")));
        Assert.False(Directory.Exists(Path.Combine(package, "Data", "com.apple.CoreML")));
    }

    [Fact]
    public void Package_without_weight_file_lists_only_the_model()
    {
        using var dir = new TempDir();
        var package = dir.File("noweights.mlpackage");
        ConvProgram().WritePackage(package, includeWeightFile: false);
        var modelPath = PackageManifest.ResolveRootModel(package);
        Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(modelPath)!, "weights")));
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(package, "Manifest.json")));
        Assert.Single(manifest.RootElement.GetProperty("itemInfoEntries").EnumerateObject());
        var warnings = new List<ReadWarning>();
        using var blobs = new MilBlobReader(Path.GetDirectoryName(modelPath)!, warnings);
        var weightRef = blobs.Resolve("@model_path/weights/weight.bin", 64, ElementType.Float32);
        Assert.Null(weightRef.SizeBytes);
        Assert.Single(warnings);
    }

    [Fact]
    public void Unknown_dimensions_states_and_nested_blocks()
    {
        var model = new MlProgramBuilder()
            .SpecificationVersion(9)
            .Function("main", f => f
                .Input("x", MilTypes.Tensor(DataType.Float16, 1, -1, 64))
                .State("cache", MilTypes.Tensor(DataType.Float16, 1, 32, 64))
                .Op("read_state", new MilInputs { ["input"] = "cache" }, "old", MilTypes.Tensor(DataType.Float16, 1, 32, 64))
                .Const("zero", MilValues.Float32(0))
                .Op("reduce_sum", new MilInputs { ["x"] = "x" }, "s", MilTypes.Scalar(DataType.Float16))
                .Op("greater", new MilInputs { ["x"] = "s", ["y"] = "zero" }, "p", MilTypes.Scalar(DataType.Bool))
                .Op("cond", new MilInputs { ["pred"] = "p" }, [("z", MilTypes.Tensor(DataType.Float16, 1, -1, 64))], null, null,
                    then => then.Op("relu", new MilInputs { ["x"] = "x" }, "t", MilTypes.Tensor(DataType.Float16, 1, -1, 64)).Output("t"),
                    otherwise => otherwise.Op("sigmoid", new MilInputs { ["x"] = "x" }, "e", MilTypes.Tensor(DataType.Float16, 1, -1, 64)).Output("e"))
                .Output("z"))
            .Build();
        Assert.Equal(9, model.SpecificationVersion);
        var function = model.MlProgram.Functions["main"];
        Assert.Equal("CoreML8", function.Opset);
        Assert.Equal(Schema.Mil.Dimension.DimensionOneofCase.Unknown, function.Inputs[0].Type.TensorType.Dimensions[1].DimensionCase);
        Assert.Equal(Schema.Mil.ValueType.TypeOneofCase.StateType, function.Inputs[1].Type.TypeCase);
        var cond = function.BlockSpecializations["CoreML8"].Operations.Single(o => o.Type == "cond");
        Assert.Equal(2, cond.Blocks.Count);
        Assert.Equal(new[] { "t" }, cond.Blocks[0].Outputs);
        Assert.Equal("sigmoid", cond.Blocks[1].Operations.Single().Type);

        var input = model.Description.Input.Single();
        Assert.Equal("x", input.Name);
        Assert.Equal(ArrayFeatureType.Types.ArrayDataType.Float16, input.Type.MultiArrayType.DataType);
        Assert.Equal(-1L, input.Type.MultiArrayType.ShapeRange.SizeRanges[1].UpperBound);
        Assert.Equal(64L, input.Type.MultiArrayType.ShapeRange.SizeRanges[2].UpperBound);
        var state = model.Description.State.Single();
        Assert.Equal(new long[] { 1, 32, 64 }, state.Type.StateType.ArrayType.Shape);
    }

    [Fact]
    public void Several_functions_are_described_per_function()
    {
        var model = new MlProgramBuilder()
            .SpecificationVersion(9)
            .Function("prefill", f => f.Input("x", MilTypes.Tensor(DataType.Float32, 1, 128))
                .Op("relu", new MilInputs { ["x"] = "x" }, "y", MilTypes.Tensor(DataType.Float32, 1, 128)).Output("y"))
            .Function("decode", f => f.Input("x", MilTypes.Tensor(DataType.Float32, 1, 1))
                .Op("tanh", new MilInputs { ["x"] = "x" }, "y", MilTypes.Tensor(DataType.Float32, 1, 1)).Output("y"))
            .DefaultFunction("decode")
            .Build();
        Assert.Equal(new[] { "prefill", "decode" }, model.MlProgram.Functions.Keys);
        Assert.Equal("decode", model.Description.DefaultFunctionName);
        Assert.Equal(new[] { "prefill", "decode" }, model.Description.Functions.Select(f => f.Name));
        Assert.Equal(new long[] { 1, 1 }, model.Description.Functions[1].Input[0].Type.MultiArrayType.Shape);
        Assert.Empty(model.Description.Input);
    }

    [Fact]
    public void Spec_only_mlmodel_keeps_weight_references()
    {
        using var dir = new TempDir();
        var path = dir.File("spec.mlmodel");
        ConvProgram().WriteModel(path);
        MlModelFileCheck.EnsureLooksLikeModel(path);
        var model = Model.Parser.ParseFrom(File.ReadAllBytes(path));
        var w = model.MlProgram.Functions["main"].BlockSpecializations["CoreML7"].Operations[0].Attributes["val"];
        Assert.Equal(Schema.Mil.Value.ValueOneofCase.BlobFileValue, w.ValueCase);
        Assert.Equal(new[] { "spec.mlmodel" }, dir.Entries());
    }

    [Fact]
    public void A_failing_package_write_leaves_nothing_and_an_existing_package_is_kept()
    {
        using var dir = new TempDir();
        var package = dir.File("p.mlpackage");
        var broken = new MlProgramBuilder().Function("main", f => f.Input("x", MilTypes.Tensor(DataType.Float32, 1)).Output("missing"));
        Assert.Throws<InvalidOperationException>(() => broken.WritePackage(package));
        Assert.Empty(dir.Entries());

        ConvProgram().WritePackage(package);
        var before = File.ReadAllBytes(Path.Combine(package, "Manifest.json"));
        Assert.Throws<IOException>(() => ConvProgram().WritePackage(package));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(package, "Manifest.json")));
        ConvProgram().WritePackage(package, replaceExisting: true);
        Assert.NotEqual(before, File.ReadAllBytes(Path.Combine(package, "Manifest.json")));
        Assert.Equal(new[] { "p.mlpackage" }, dir.Entries());
    }
}
