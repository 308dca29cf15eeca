using AneCompat.Decoders.MilText;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Tests.Support;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Tests.Decoders;

public class MilTextDecoderTests
{
    [CorpusTheory]
    [InlineData("coremltools-add-model-mlmodelc/add_model.mlmodelc")]
    [InlineData("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc")]
    [InlineData("fluidaudio-transposeencoder-mlmodelc/TransposeEncoder.mlmodelc")]
    public void Corpus_model_mil_op_counts_match_expected_ops(string key)
    {
        var dir = Corpus.Path(key);
        var warnings = new List<ReadWarning>();
        var functions = MilTextDecoder.Decode(Path.Combine(dir, "model.mil"), dir, warnings, "");
        var actual = MilProgramDecoderTests.CountBySource(functions);
        Assert.Equal(Corpus.Expected[key].Ops.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        var main = Assert.Single(functions);
        Assert.Equal("main", main.Name);
        Assert.Equal("ios16", main.Opset);
    }

    [CorpusFact]
    public void Add_model_reads_inputs_outputs_types_and_op_name()
    {
        var dir = Corpus.Path("coremltools-add-model-mlmodelc/add_model.mlmodelc");
        var main = MilTextDecoder.Decode(Path.Combine(dir, "model.mil"), dir, new List<ReadWarning>(), "models[1]/").Single();
        var fp16x10 = ValueType.Tensor(ElementType.Float16, TensorShape.Of(1, 10));
        Assert.Equal(new[] { new GraphValue("x", fp16x10), new GraphValue("y", fp16x10) }, main.Inputs);
        var mul = Assert.Single(main.Body.Ops);
        Assert.Equal("mul", mul.Kind);
        Assert.Equal("op_3_cast_fp16", mul.Name);
        Assert.Equal("models[1]/main", mul.Function);
        Assert.Equal(new GraphValue("var_3", fp16x10), Assert.Single(mul.Outputs));
        Assert.Equal(fp16x10, mul.Arg("x")!.Type);
        Assert.Equal(new[] { "var_3" }, main.Outputs);
    }

    [CorpusFact]
    public void Transpose_encoder_keeps_unknown_dims_and_propagates_the_perm_constant()
    {
        var dir = Corpus.Path("fluidaudio-transposeencoder-mlmodelc/TransposeEncoder.mlmodelc");
        var main = MilTextDecoder.Decode(Path.Combine(dir, "model.mil"), dir, new List<ReadWarning>(), "").Single();
        Assert.Equal(new TensorShape(new[] { Dim.Of(1), Dim.Unknown, Dim.Unknown }), main.Inputs[0].Type.Shape);
        var transpose = main.Body.Ops.Single(o => o.Kind == "transpose");
        Assert.Equal(new long[] { 0, 2, 1 }, transpose.Arg("perm")!.Constant!.Ints);
        Assert.Equal(TensorShape.Of(3), transpose.Arg("perm")!.Type.Shape);
    }

    [CorpusFact]
    public void Argmax_axis_constant_becomes_the_axis_attribute()
    {
        var dir = Corpus.Path("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc");
        var main = MilTextDecoder.Decode(Path.Combine(dir, "model.mil"), dir, new List<ReadWarning>(), "").Single();
        var argmax = main.Body.Ops.Single(o => o.Kind == "reduce_argmax");
        Assert.Equal(0L, argmax.AttrLong(Attr.Axis));
        Assert.True(argmax.Arg("keep_dims")!.Constant!.AsBool());
    }
}
