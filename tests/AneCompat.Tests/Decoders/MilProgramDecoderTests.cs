using AneCompat.Containers;
using AneCompat.Decoders.Blobs;
using AneCompat.Decoders.MilProgram;
using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Decoders;

public class MilProgramDecoderTests
{
    public static IEnumerable<object[]> ProtobufPrograms() => new[]
    {
        "cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage",
        "mlpackage-nonstandard-author/model.mlpackage",
        "superpoint-mlpackage/superpoint.mlpackage",
        "depth-anything-v2-small-speconly/depth_anything_v2_metric_small_indoor.mlpackage",
        "rtmpose-m-speconly/rtmpose-m.mlpackage",
        "yolov5n-mlprogram-speconly/model.mlmodel",
        "yolo11n-mlprogram-speconly/model.mlmodel",
    }.Select(k => new object[] { k });

    /// <summary>Parses the corpus model's protobuf and decodes its program with @model_path = the model's folder.</summary>
    internal static (List<GraphFunction> Functions, List<ReadWarning> Warnings) DecodeCorpus(string key)
    {
        var path = Corpus.Path(key);
        var modelFile = Directory.Exists(path) ? PackageManifest.ResolveRootModel(path) : path;
        var model = Model.Parser.ParseFrom(File.ReadAllBytes(modelFile));
        Assert.Equal(Model.TypeOneofCase.MlProgram, model.TypeCase);
        var warnings = new List<ReadWarning>();
        using var blobs = new MilBlobReader(Path.GetDirectoryName(modelFile)!, warnings);
        var functions = MilProgramDecoder.Decode(model.MlProgram, blobs, warnings, "", modelFile);
        return (functions, warnings);
    }

    internal static Dictionary<string, int> CountBySource(IEnumerable<GraphFunction> functions)
    {
        static IEnumerable<Op> Walk(Block b) => b.Ops.SelectMany(o => new[] { o }.Concat(o.Blocks.SelectMany(Walk)));
        return functions.SelectMany(f => Walk(f.Body)).GroupBy(o => o.Source).ToDictionary(g => g.Key, g => g.Count());
    }

    [CorpusTheory]
    [MemberData(nameof(ProtobufPrograms))]
    public void Op_counts_by_source_match_expected_ops(string key)
    {
        var (functions, _) = DecodeCorpus(key);
        var expected = Corpus.Expected[key].Ops;
        var actual = CountBySource(functions);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [CorpusTheory]
    [InlineData("depth-anything-v2-small-speconly/depth_anything_v2_metric_small_indoor.mlpackage")]
    [InlineData("rtmpose-m-speconly/rtmpose-m.mlpackage")]
    [InlineData("yolov5n-mlprogram-speconly/model.mlmodel")]
    [InlineData("yolo11n-mlprogram-speconly/model.mlmodel")]
    public void Spec_only_programs_decode_with_a_weights_missing_warning(string key)
    {
        var (functions, warnings) = DecodeCorpus(key);
        Assert.Contains(warnings, w => w.Code == "weights-missing");
        var blobConsts = AllOps(functions).Where(o => o.Kind == "const" && o.Arg("val")?.Constant?.Blob is not null).ToList();
        Assert.NotEmpty(blobConsts);
        Assert.All(blobConsts, o => Assert.False(o.Arg("val")!.Constant!.Blob!.Resolved));
        // Without the file the tensor type still gives each weight's size.
        Assert.All(blobConsts, o => Assert.Equal(o.Outputs[0].Type.ByteSize, o.WeightBytes));
    }

    [CorpusFact]
    public void Cifar10_weight_references_resolve_to_sizes_consistent_with_their_tensor_types()
    {
        var (functions, warnings) = DecodeCorpus("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
        Assert.DoesNotContain(warnings, w => w.Code == "weights-missing");
        var blobs = AllOps(functions).Select(o => (Op: o, Value: o.Arg("val")?.Constant)).Where(x => x.Value?.Blob is not null).ToList();
        Assert.NotEmpty(blobs);
        foreach (var (op, value) in blobs)
        {
            var blob = value!.Blob!;
            Assert.True(blob.Resolved);
            var type = op.Outputs[0].Type;
            var elements = type.Shape.ElementCount!.Value;
            Assert.Equal(elements * type.Element.Bits() / 8, blob.SizeBytes);
            Assert.Equal(type.Element, blob.Element);
            Assert.Equal(blob.SizeBytes, op.WeightBytes);
            Assert.Equal(0UL, blob.Offset % 64);
        }
    }

    [CorpusFact]
    public void Constants_propagate_into_conv_attributes()
    {
        var (functions, _) = DecodeCorpus("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
        var main = Assert.Single(functions);
        Assert.Equal("main", main.Name);
        Assert.StartsWith("CoreML", main.Opset);
        var convs = AllOps(functions).Where(o => o.Kind == "conv").ToList();
        Assert.Equal(2, convs.Count);
        foreach (var conv in convs)
        {
            var weight = conv.Arg("weight")!;
            Assert.True(weight.IsConstant);
            var shape = weight.Type.Shape.Sizes!;
            Assert.Equal(shape[2..], conv.AttrLongs(Attr.Kernel));
            Assert.Equal(shape[0], conv.AttrLong(Attr.OutChannels));
            Assert.False(conv.AttrBool(Attr.DynamicWeights));
            Assert.Equal(conv.Arg("strides")!.Constant!.Ints, conv.AttrLongs(Attr.Strides));
            Assert.NotNull(conv.Attr<string>(Attr.PadType));
            Assert.Equal(main.Opset, conv.Opset);
            Assert.Equal("main", conv.Function);
            Assert.False(string.IsNullOrEmpty(conv.Name));
        }
        var pools = AllOps(functions).Where(o => o.Kind == "max_pool").ToList();
        Assert.All(pools, p => Assert.Equal(2, p.AttrLongs(Attr.Kernel)!.Length));
        Assert.NotEmpty(main.Inputs);
        Assert.NotEmpty(main.Outputs);
    }

    internal static IEnumerable<Op> AllOps(IEnumerable<GraphFunction> functions)
    {
        static IEnumerable<Op> Walk(Block b) => b.Ops.SelectMany(o => new[] { o }.Concat(o.Blocks.SelectMany(Walk)));
        return functions.SelectMany(f => Walk(f.Body));
    }
}
