using AneCompat.Decoders.Compiled;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Decoders.Compiled;

/// <summary>Compiled NeuralNetworks (espresso), compiled classical pipelines and coremldata.bin, on the corpus.</summary>
public class CompiledEspressoAndPipelineTests
{
    private const string Waifu = "waifu2x-up-photo-2x-mlmodelc/up_photo_scale2x_model.mlmodelc";
    private const string S4tf = "s4tf-retrained-mlmodelc/s4tf_model_retrained.mlmodelc";
    private const string Mars = "mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc";
    private const string MarsSource = "mars-habitat-pricer/MarsHabitatPricer.mlmodel";

    public static IEnumerable<object[]> NonMilKeys() => new[] { Waifu, S4tf, Mars }.Select(k => new object[] { k });

    [CorpusTheory]
    [MemberData(nameof(NonMilKeys))]
    public void Op_counts_by_source_equal_expected_ops(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        var expected = Corpus.Expected[key].Ops;
        Assert.Equal(expected.OrderBy(kv => kv.Key), graph.CountBySource().OrderBy(kv => kv.Key));
    }

    [CorpusTheory]
    [InlineData(Waifu)]
    [InlineData(S4tf)]
    public void Espresso_shapes_appear_on_every_op_output_and_input(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        var shapes = SideFiles.EspressoShapes(Corpus.Path(key));
        var ops = graph.AllOps().ToList();
        Assert.NotEmpty(ops);
        foreach (var op in ops)
        {
            foreach (var output in op.Outputs)
                Assert.Equal(shapes[output.Name], SideFiles.Sizes(output.Type.Shape));
            foreach (var arg in op.AllArguments)
                Assert.Equal(shapes[arg.Name!], SideFiles.Sizes(arg.Type.Shape));
        }
    }

    [CorpusFact]
    public void Waifu2x_is_a_neural_network_with_canonical_kinds_and_conv_attributes()
    {
        var graph = ModelReader.Read(Corpus.Path(Waifu));
        Assert.Equal("neuralNetwork", graph.Root.ModelType);
        Assert.Equal(ModelFamily.NeuralNetwork, graph.Root.Family);
        var ops = graph.AllOps().ToList();
        Assert.All(ops.Where(o => o.Source == "convolution"), o => Assert.Equal("conv", o.Kind));
        Assert.All(ops.Where(o => o.Source == "deconvolution"), o => Assert.Equal("conv_transpose", o.Kind));
        Assert.All(ops, o => Assert.Equal("main", o.Function));

        // The net's first layer (model.espresso.net): 3x3 convolution, K = 3 in, C = 16 out, one group, no padding.
        var first = ops[0];
        Assert.Equal("conv1_layer", first.Name);
        Assert.Equal(new long[] { 3, 3 }, first.AttrLongs(Attr.Kernel));
        Assert.Equal(new long[] { 1, 1 }, first.AttrLongs(Attr.Strides));
        Assert.Equal(16, first.AttrLong(Attr.OutChannels));
        Assert.Equal(3, first.AttrLong(Attr.InChannels));
        Assert.Equal(1, first.AttrLong(Attr.Groups));
        Assert.Equal(new long[] { 0, 0, 0, 0 }, first.AttrLongs(Attr.Pad));
        // fp32 weights (formats.md d.8): C*K*Ny*Nx*4 bytes at least, biases on top.
        Assert.True(first.WeightBytes >= 16 * 3 * 3 * 3 * 4, $"conv1 weight bytes {first.WeightBytes}");

        var deconv = ops.Single(o => o.Source == "deconvolution");
        Assert.Equal(new long[] { 2, 2 }, deconv.AttrLongs(Attr.Strides));
        Assert.Equal(new long[] { 3, 3, 3, 3 }, deconv.AttrLongs(Attr.Pad));
        Assert.True(graph.WeightBytes <= new FileInfo(Path.Combine(Corpus.Path(Waifu), "model.espresso.weights")).Length);
        Assert.DoesNotContain(ops, o => o.Attributes.ContainsKey(Attr.HintFallbackFromAne));
    }

    [CorpusFact]
    public void Waifu2x_interface_from_coremldata_matches_the_espresso_signature_and_shapes()
    {
        var dir = Corpus.Path(Waifu);
        var graph = ModelReader.Read(dir);
        var shapes = SideFiles.EspressoShapes(dir);
        var main = graph.Root.Functions.Single();
        Assert.Equal(graph.Root.Interface.Inputs.Select(f => f.Name), main.Inputs.Select(v => v.Name));
        Assert.Equal(graph.Root.Interface.Outputs.Select(f => f.Name), main.Outputs);
        // The description's multi-array input is [C, H, W]; the espresso blob is [n, C, H, W].
        var input = graph.Root.Interface.Inputs.Single();
        Assert.Equal(shapes[input.Name].Skip(1), input.Shape);
        Assert.Contains(graph.Warnings, w => w.Code == "metadata-json-missing");
    }

    [CorpusFact]
    public void S4tf_updatable_network_reads_its_interface_and_notes_its_side_folders()
    {
        var graph = ModelReader.Read(Corpus.Path(S4tf));
        var root = graph.Root;
        Assert.Equal("neuralNetwork", root.ModelType);
        Assert.Equal(4, root.SpecificationVersion);
        Assert.True(root.IsUpdatable);
        Assert.Equal(new[] { "dense_input" }, root.Interface.Inputs.Select(f => f.Name));
        Assert.Equal(new[] { "output" }, root.Interface.Outputs.Select(f => f.Name));
        var op = graph.AllOps().Single();
        Assert.Equal("linear", op.Kind);
        Assert.Equal(1, op.AttrLong(Attr.InChannels));
        Assert.Equal(1, op.AttrLong(Attr.OutChannels));
        Assert.Equal("64 bytes, all zero", root.Properties["model/coremldata.bin"]);
        Assert.Equal("32 bytes, all zero", root.Properties["neural_network_optionals/coremldata.bin"]);
        Assert.Equal("Jacopo Mangiavacchi", graph.Metadata["author"]);
    }

    [CorpusFact]
    public void Mars_pipeline_members_match_the_source_model_description()
    {
        var graph = ModelReader.Read(Corpus.Path(Mars));
        var source = Model.Parser.ParseFrom(File.ReadAllBytes(Corpus.Path(MarsSource)));
        Assert.Equal(Model.TypeOneofCase.PipelineRegressor, source.TypeCase);
        var sourceMembers = source.PipelineRegressor.Pipeline.Models;

        var root = graph.Root;
        Assert.Equal("pipelineRegressor", root.ModelType);
        Assert.Equal(ModelFamily.Pipeline, root.Family);
        Assert.Equal(source.Description.Input.Select(f => f.Name), root.Interface.Inputs.Select(f => f.Name));
        Assert.Equal(source.Description.Output.Select(f => f.Name), root.Interface.Outputs.Select(f => f.Name));
        Assert.Equal(sourceMembers.Count, root.Children.Count);
        for (var i = 0; i < sourceMembers.Count; i++)
        {
            var member = root.Children[i];
            var expected = sourceMembers[i];
            Assert.Equal($"models[{i}]", member.Path);
            Assert.Equal(expected.TypeCase.ToString(), member.ModelType, ignoreCase: true);
            Assert.Equal(ModelFamily.Classical, member.Family);
            Assert.Empty(member.Functions);
            // The compiled copy names the internal feature differently from the source .mlmodel (it was compiled from
            // another revision: "__feature_vector__" vs "__vectorized_features__"), so internal names are compared
            // through the chain below, the model's own inputs and outputs by name.
            Assert.Equal(expected.Description.Input.Select(f => (External(f.Name), f.Type.TypeCase.ToString())),
                member.Interface.Inputs.Select(f => (External(f.Name), CompiledTypeCase(f))));
            Assert.Equal(expected.Description.Output.Select(f => (External(f.Name), f.Type.TypeCase.ToString())),
                member.Interface.Outputs.Select(f => (External(f.Name), CompiledTypeCase(f))));
        }
        Assert.Equal(root.Children[0].Interface.Outputs.Select(f => f.Name), root.Children[1].Interface.Inputs.Select(f => f.Name));
        Assert.Equal(root.Interface.Inputs.Select(f => f.Name), root.Children[0].Interface.Inputs.Select(f => f.Name));
        Assert.Equal(root.Interface.Outputs.Select(f => f.Name), root.Children[1].Interface.Outputs.Select(f => f.Name));

        string External(string name) =>
            source.Description.Input.Concat(source.Description.Output).Any(f => f.Name == name)
            || root.Interface.Inputs.Concat(root.Interface.Outputs).Any(f => f.Name == name) ? name : "(internal)";
        Assert.Equal("Apple", graph.Metadata["author"]);
    }

    private static string CompiledTypeCase(FeatureInfo f) => f.Kind switch
    {
        FeatureKind.Double => "DoubleType",
        FeatureKind.Int64 => "Int64Type",
        FeatureKind.MultiArray => "MultiArrayType",
        FeatureKind.String => "StringType",
        _ => f.Kind.ToString(),
    };

    public static IEnumerable<object[]> MlProgramKeys() => new[]
    {
        "coremltools-add-model-mlmodelc/add_model.mlmodelc",
        "fluidaudio-argmax-mlmodelc/Argmax.mlmodelc",
        "fluidaudio-transposeencoder-mlmodelc/TransposeEncoder.mlmodelc",
    }.Select(k => new object[] { k });

    /// <summary>coremldata.bin's description (read without the MIL decoder) agrees with metadata.json's schemas.</summary>
    [CorpusTheory]
    [MemberData(nameof(MlProgramKeys))]
    public void Coremldata_interface_agrees_with_metadata_json(string key)
    {
        var dir = Corpus.Path(key);
        var warnings = new List<ReadWarning>();
        var data = CoreMLDataDecoder.Read(Path.Combine(dir, "coremldata.bin"), warnings);
        Assert.Equal("mlProgram", data.ModelType);
        Assert.Equal(ModelFamily.MlProgram, data.Family);
        Assert.Equal("generic", data.Layout);
        var meta = CompiledMetadataDecoder.Read(Path.Combine(dir, "metadata.json"));
        Assert.Equal(meta.SpecificationVersion, data.SpecificationVersion);
        Assert.Empty(warnings);

        var iface = AneCompat.Decoders.Protobuf.DescriptionDecoder.Decode(data.Description);
        Assert.Equal(SideFiles.Schema(dir, "inputSchema").Select(s => (s.Name, string.Join(",", s.Shape))),
            iface.Inputs.Select(f => (f.Name, string.Join(",", f.Shape))));
        Assert.Equal(SideFiles.Schema(dir, "outputSchema").Select(s => (s.Name, string.Join(",", s.Shape))),
            iface.Outputs.Select(f => (f.Name, string.Join(",", f.Shape))));
        // The metadata decoder reads the same schemas.
        Assert.Equal(iface.Inputs.Select(f => (f.Name, string.Join(",", f.Shape), f.Flexibility)),
            meta.Interface.Inputs.Select(f => (f.Name, string.Join(",", f.Shape), f.Flexibility)));
        Assert.NotEmpty(meta.OpHistogram);
        Assert.Equal("mlProgramOperationTypeHistogram", meta.HistogramKey);
    }
}
