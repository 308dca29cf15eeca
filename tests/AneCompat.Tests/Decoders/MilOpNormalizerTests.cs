using AneCompat.Decoders.Blobs;
using AneCompat.Decoders.MilProgram;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using Mil = AneCompat.Schema.Mil;

namespace AneCompat.Tests.Decoders;

public sealed class MilOpNormalizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("anecompat-milnorm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Constexpr_decompression_ops_describe_their_quantization_and_pass_it_to_the_consumer()
    {
        // iOS18 style (parameters are inputs) for blockwise and LUT; iOS16/17 style (parameters are attributes) for affine.
        const string text = """
            program(1.3)
            {
                func main<ios18>(tensor<fp16, [1, 64]> x) {
                        tensor<int4, [32, 64]> q = const()[name = string("q"), val = tensor<int4, [32, 64]>([0])];
                        tensor<fp16, [32, 2]> s = const()[name = string("s"), val = tensor<fp16, [32, 2]>([1])];
                        tensor<fp16, [32, 64]> w1 = constexpr_blockwise_shift_scale(data = q, scale = s)[name = string("w1")];
                        tensor<fp16, [32, 1]> sc = const()[name = string("sc"), val = tensor<fp16, [32, 1]>([1])];
                        tensor<fp16, [32, 64]> w2 = constexpr_blockwise_shift_scale(data = q, scale = sc)[name = string("w2")];
                        tensor<uint4, [32, 64]> idx = const()[name = string("idx"), val = tensor<uint4, [32, 64]>([0])];
                        tensor<fp16, [1, 1, 16, 1]> lut = const()[name = string("lut"), val = tensor<fp16, [1, 1, 16, 1]>([0])];
                        tensor<fp16, [32, 64]> w3 = constexpr_lut_to_dense(indices = idx, lut = lut)[name = string("w3")];
                        tensor<fp16, [32, 64]> w4 = constexpr_affine_dequantize()[axis = int32(0), name = string("w4"), quantized_data = tensor<int8, [32, 64]>([0]), scale = fp16(0x1p-4), zero_point = int8(0)];
                        tensor<fp16, [1, 32]> y = linear(weight = w1, x = x)[name = string("l1")];
                        tensor<int32, [1]> axes = const()[name = string("axes"), val = tensor<int32, [1]>([-1])];
                        tensor<fp16, [1, 1]> m = reduce_mean(axes = axes, keep_dims = bool(true), x = y)[name = string("m")];
                        tensor<fp16, [1, 64]> e = gather(axis = int32(0), indices = tensor<int32, [1]>([3]), x = w3)[name = string("g")];
                        tensor<fp16, [1, 32]> t1, tensor<int32, [1, 32]> t2 = topk(k = int32(5), x = y)[name = string("t")];
                    } -> (m, e, t1);
            }
            """;
        var functions = MilTextGrammarTests.Decode(_dir, text);
        var ops = functions.Single().Body.Ops;
        Op Named(string n) => ops.Single(o => o.Name == n);
        Assert.Equal("per_block", Named("w1").Attr<string>(Attr.Quantization)); // 64 columns in blocks of 32
        Assert.Equal(4L, Named("w1").AttrLong(Attr.QuantizationBits));
        Assert.Equal("per_channel", Named("w2").Attr<string>(Attr.Quantization));
        Assert.Equal("lut", Named("w3").Attr<string>(Attr.Quantization));
        Assert.Equal(4L, Named("w3").AttrLong(Attr.QuantizationBits));
        Assert.Equal("linear", Named("w4").Attr<string>(Attr.Quantization));
        Assert.Equal(8L, Named("w4").AttrLong(Attr.QuantizationBits));
        // Its parameters are held inline as attributes: int8[32, 64] data, int32 axis, fp16 scale, int8 zero point.
        Assert.Equal(32 * 64L + 4 + 2 + 1, Named("w4").WeightBytes);

        var linear = Named("l1");
        Assert.False(linear.AttrBool(Attr.DynamicWeights)); // a constexpr output is fixed at compile time
        Assert.Equal("per_block", linear.Attr<string>(Attr.Quantization));
        Assert.Equal(new long[] { -1 }, Named("m").AttrLongs(Attr.Axes));
        Assert.Equal(32L, Named("g").AttrLong(Attr.VocabSize));
        Assert.Equal(5L, Named("t").AttrLong(Attr.K));
    }

    [Fact]
    public void Protobuf_program_picks_the_active_specialisation_and_bounds_nesting()
    {
        var program = new Mil.Program { Version = 1 };
        var function = new Mil.Function { Opset = "CoreML7" };
        function.BlockSpecializations["CoreML6"] = new Mil.Block();
        var active = new Mil.Block();
        active.Operations.Add(Relu("r"));
        active.Outputs.Add("r");
        function.BlockSpecializations["CoreML7"] = active;
        program.Functions["other"] = function.Clone();
        program.Functions["main"] = function;
        var warnings = new List<ReadWarning>();
        using var blobs = new MilBlobReader(_dir, warnings);

        var decoded = MilProgramDecoder.Decode(program, blobs, warnings, "models[0]/", "x.mlmodel");
        Assert.Equal(new[] { "main", "other" }, decoded.Select(f => f.Name));
        var relu = decoded[0].Body.Ops.Single();
        Assert.Equal("relu", relu.Source);
        Assert.Equal("r", relu.Name);
        Assert.Equal("CoreML7", relu.Opset);
        Assert.Equal("models[0]/main", relu.Function);

        // A chain of cond ops nested deeper than the limit.
        var root = new Mil.Block();
        var current = root;
        for (var i = 0; i <= Limits.MaxProtobufDepth + 1; i++)
        {
            var op = new Mil.Operation { Type = "cond" };
            var inner = new Mil.Block();
            op.Blocks.Add(inner);
            current.Operations.Add(op);
            current = inner;
        }
        var deep = new Mil.Program();
        deep.Functions["main"] = new Mil.Function { Opset = "CoreML5" };
        deep.Functions["main"].BlockSpecializations["CoreML5"] = root;
        var e = Assert.Throws<ModelReadException>(() => MilProgramDecoder.Decode(deep, blobs, warnings, "", "x.mlmodel"));
        Assert.Contains("nested blocks deeper", e.Message);

        var missing = new Mil.Program();
        missing.Functions["main"] = new Mil.Function { Opset = "CoreML5" };
        missing.Functions["main"].BlockSpecializations["ios15"] = new Mil.Block();
        missing.Functions["main"].BlockSpecializations["ios16"] = new Mil.Block();
        Assert.Throws<ModelReadException>(() => MilProgramDecoder.Decode(missing, blobs, warnings, "", "x.mlmodel"));
    }

    private static Mil.Operation Relu(string name)
    {
        var op = new Mil.Operation { Type = "relu" };
        op.Attributes["name"] = new Mil.Value
        {
            ImmediateValue = new Mil.Value.Types.ImmediateValue { Tensor = new Mil.TensorValue { Strings = new Mil.TensorValue.Types.RepeatedStrings { Values = { name } } } },
        };
        op.Outputs.Add(new Mil.NamedValueType { Name = name });
        return op;
    }
}
