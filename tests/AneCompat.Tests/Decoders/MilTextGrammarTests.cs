using System.Buffers.Binary;
using AneCompat.Decoders.MilText;
using AneCompat.Graph;

namespace AneCompat.Tests.Decoders;

/// <summary>Small model.mil texts, written to a temporary .mlmodelc folder, for each grammar feature.</summary>
public sealed class MilTextGrammarTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("anecompat-mil-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static List<GraphFunction> Decode(string dir, string text, List<ReadWarning>? warnings = null)
    {
        var path = Path.Combine(dir, "model.mil");
        File.WriteAllText(path, text);
        return MilTextDecoder.Decode(path, dir, warnings ?? new List<ReadWarning>(), "");
    }

    internal const string StatefulTwoFunctions = """
        program(1.3)
        [buildInfo = dict<string, string>({{"coremlc-version", "3505.4.1"}, {"coremltools-version", "9.0"}})]
        {
            func prefill<CoreML8>(tensor<fp16, [1, 8]> x) {
                    tensor<fp16, [1, 8]> y = relu(x = x)[name = string("relu_0")];
                } -> (y);
            func main<ios18>(state<tensor<fp16, [1, 1, 4, 64]>> k_state, tensor<int32, [1, ?]> input_ids) {
                    tensor<fp16, [1, 1, 4, 64]> k = read_state(input = k_state)[name = string("read_k")];
                    fp16 big = const()[name = string("big"), val = fp16(-0x1.388p+13)];
                    tensor<fp16, []> small = const()[name = tensor<string, []>("small"), val = tensor<fp16, []>(0x1p-2)];
                    int32 one = const()[name = string("one"), val = int32(1)];
                    tensor<int32, [2]> strides = const()[name = string("strides"), val = tensor<int32, [2]>([1, 1])];
                    bool flag = const()[name = string("flag"), val = bool(false)];
                    tensor<fp16, [1, 1, 4, 64]> k2 = mul(x = k, y = big)[name = string("scale")];
                    write_state(data = k2, input = k_state)[name = string("write_k")];
                    tensor<fp16, [1, 1, 4, 64]> k3 = read_state(input = k_state)[name = string("read_k2")];
                } -> (k3);
        }
        """;

    [Fact]
    public void Scalars_hex_floats_unknown_dims_states_and_multiple_functions()
    {
        var functions = Decode(_dir, StatefulTwoFunctions);
        Assert.Equal(new[] { "main", "prefill" }, functions.Select(f => f.Name));
        var (main, prefill) = (functions[0], functions[1]);
        Assert.Equal("ios18", main.Opset);
        Assert.Equal("CoreML8", prefill.Opset);
        Assert.Equal("prefill", prefill.Body.Ops.Single().Function);

        var state = main.Inputs[0].Type;
        Assert.Equal(ValueKind.State, state.Kind);
        Assert.Equal(ElementType.Float16, state.Element);
        Assert.Equal(TensorShape.Of(1, 1, 4, 64), state.Shape);
        Assert.Equal(new TensorShape(new[] { Dim.Of(1), Dim.Unknown }), main.Inputs[1].Type.Shape);

        ConstantValue Val(string name) => main.Body.Ops.Single(o => o.Name == name).Arg("val")!.Constant!;
        Assert.Equal(-10000.0, Val("big").AsDouble()); // 0x1.388 = 1.220703125; × 2^13 = 10000
        Assert.Equal(TensorShape.Scalar, Val("big").Type.Shape);
        Assert.Equal(0.25, Val("small").AsDouble());
        Assert.Equal(1L, Val("one").AsLong());
        Assert.Equal(ElementType.Int32, Val("one").Type.Element);
        Assert.Equal(new long[] { 1, 1 }, Val("strides").Ints);
        Assert.False(Val("flag").AsBool());

        var mul = main.Body.Ops.Single(o => o.Kind == "mul");
        Assert.Equal(-10000.0, mul.Arg("y")!.Constant!.AsDouble());
        Assert.Equal(ValueKind.Tensor, mul.Arg("x")!.Type.Kind); // read_state yields the wrapped tensor
        var write = main.Body.Ops.Single(o => o.Kind == "write_state");
        Assert.Empty(write.Outputs);
        Assert.Equal(ValueKind.State, write.Arg("input")!.Type.Kind);
        var counts = MilProgramDecoderTests.CountBySource(functions);
        Assert.Equal(2, counts["read_state"]);
        Assert.Equal(1, counts["write_state"]);
        Assert.Equal(5, counts["const"]);
        Assert.Equal(1, counts["relu"]);
    }

    [Fact]
    public void Nested_cond_and_while_loop_blocks()
    {
        const string text = """
            program(1.0)
            {
                func main<ios17>(tensor<fp32, [1]> x, tensor<bool, []> p) {
                        tensor<fp32, [1]> c = const()[name = string("c"), val = tensor<fp32, [1]>([2.5])];
                        tensor<fp32, [1]> r = cond(pred = p)[name = string("branch")]
                            true_fn() {
                                tensor<fp32, [1]> a = add(x = x, y = c)[name = string("a")];
                            } -> (a)
                            false_fn() {
                                tensor<fp32, [1]> s = sub(x = x, y = c)[name = string("s")];
                            } -> (s);
                        tensor<int32, []> i0 = const()[name = string("i0"), val = int32(0)];
                        tensor<int32, []> n, tensor<fp32, [1]> v = while_loop(loop_vars = (i0, r))[name = string("loop")]
                            cond_block(tensor<int32, []> i, tensor<fp32, [1]> acc) {
                                tensor<bool, []> go = less(x = i, y = int32(3))[name = string("go")];
                            } -> (go)
                            body_block(tensor<int32, []> i, tensor<fp32, [1]> acc) {
                                tensor<int32, []> i1 = add(x = i, y = int32(1))[name = string("i1")];
                                tensor<fp32, [1]> acc1 = mul(x = acc, y = c)[name = string("acc1")];
                            } -> (i1, acc1);
                    } -> (v);
            }
            """;
        var main = Decode(_dir, text).Single();
        var cond = main.Body.Ops.Single(o => o.Kind == "cond");
        Assert.Equal(2, cond.Blocks.Count);
        Assert.Equal(new[] { "a" }, cond.Blocks[0].Outputs);
        Assert.Equal(2.5, cond.Blocks[0].Ops.Single().Arg("y")!.Constant!.AsDouble()); // outer const seen inside
        var loop = main.Body.Ops.Single(o => o.Kind == "while_loop");
        Assert.Equal(new[] { "n", "v" }, loop.Outputs.Select(o => o.Name));
        Assert.Equal(new[] { "i0", "r" }, loop.Input("loop_vars")!.Arguments.Select(a => a.Name));
        Assert.Equal(0L, loop.Input("loop_vars")!.Arguments[0].Constant!.AsLong());
        Assert.Equal(new[] { "i", "acc" }, loop.Blocks[1].Inputs.Select(i => i.Name));
        Assert.Equal(new[] { "i1", "acc1" }, loop.Blocks[1].Outputs);
        var less = loop.Blocks[0].Ops.Single();
        Assert.Equal(3L, less.Arg("y")!.Constant!.AsLong());
        Assert.Equal(ElementType.Int32, less.Arg("x")!.Type.Element); // block input type reaches its users
        var counts = MilProgramDecoderTests.CountBySource(new[] { main });
        Assert.Equal(new Dictionary<string, int> { ["const"] = 2, ["cond"] = 1, ["add"] = 2, ["sub"] = 1, ["while_loop"] = 1, ["less"] = 1, ["mul"] = 1 },
            counts);
    }

    /// <summary>A MIL blob storage v2 file (formats.md c) holding fp16 blobs of the given element counts.</summary>
    internal static List<ulong> WriteWeightFile(string dir, params int[] fp16Counts)
    {
        var offsets = new List<ulong>();
        var bytes = new List<byte>(new byte[64]);
        BinaryPrimitives.WriteUInt32LittleEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)[0..4], (uint)fp16Counts.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)[4..8], 2);
        foreach (var count in fp16Counts)
        {
            while (bytes.Count % 64 != 0) bytes.Add(0);
            var metadata = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(metadata, 0xDEADBEEF);
            BinaryPrimitives.WriteUInt32LittleEndian(metadata.AsSpan(4), 1); // fp16
            BinaryPrimitives.WriteUInt64LittleEndian(metadata.AsSpan(8), (ulong)count * 2);
            BinaryPrimitives.WriteUInt64LittleEndian(metadata.AsSpan(16), (ulong)bytes.Count + 64);
            offsets.Add((ulong)bytes.Count);
            bytes.AddRange(metadata);
            bytes.AddRange(new byte[count * 2]);
        }
        Directory.CreateDirectory(Path.Combine(dir, "weights"));
        File.WriteAllBytes(Path.Combine(dir, "weights", "weight.bin"), bytes.ToArray());
        return offsets;
    }

    internal static string ConvProgram(ulong weightOffset, ulong biasOffset) => $$"""
        program(1.0)
        {
            func main<ios16>(tensor<fp16, [1, 2, 8, 8]> x) {
                    tensor<fp16, [4, 2, 3, 3]> w = const()[name = string("w"), val = tensor<fp16, [4, 2, 3, 3]>(BLOBFILE(path = string("@model_path/weights/weight.bin"), offset = uint64({{weightOffset}})))];
                    tensor<fp16, [4]> b = const()[name = tensor<string, []>("b"), val = tensor<fp16, [4]>(BLOBFILE(path = tensor<string, []>("@model_path/weights/weight.bin"), offset = tensor<uint64, []>({{biasOffset}})))];
                    tensor<int32, [2]> st = const()[name = string("st"), val = tensor<int32, [2]>([2, 2])];
                    tensor<int32, [2]> dl = const()[name = string("dl"), val = tensor<int32, [2]>([1, 1])];
                    tensor<int32, [4]> pd = const()[name = string("pd"), val = tensor<int32, [4]>([1, 1, 1, 1])];
                    string pt = const()[name = string("pt"), val = string("custom")];
                    int32 g = const()[name = string("g"), val = int32(1)];
                    tensor<fp16, [1, 4, 4, 4]> y = conv(bias = b, dilations = dl, groups = g, pad = pd, pad_type = pt, strides = st, weight = w, x = x)[name = string("conv_0")];
                } -> (y);
        }
        """;

    [Fact]
    public void Blobfile_references_resolve_in_both_spellings_and_feed_conv_attributes()
    {
        var offsets = WriteWeightFile(_dir, 4 * 2 * 3 * 3, 4);
        Assert.Equal(new ulong[] { 64, 320 }, offsets); // 64 + 64 + 144 = 272 → next 64-byte boundary 320
        var warnings = new List<ReadWarning>();
        var main = Decode(_dir, ConvProgram(offsets[0], offsets[1]), warnings).Single();
        Assert.Empty(warnings);
        var w = main.Body.Ops.Single(o => o.Name == "w");
        var blob = w.Arg("val")!.Constant!.Blob!;
        Assert.True(blob.Resolved);
        Assert.Equal(64UL, blob.Offset);
        Assert.Equal(144L, blob.SizeBytes);
        Assert.Equal(144L, w.WeightBytes);
        Assert.Equal(8L, main.Body.Ops.Single(o => o.Name == "b").WeightBytes);

        var conv = main.Body.Ops.Single(o => o.Kind == "conv");
        Assert.Equal(new long[] { 3, 3 }, conv.AttrLongs(Attr.Kernel));
        Assert.Equal(new long[] { 2, 2 }, conv.AttrLongs(Attr.Strides));
        Assert.Equal(new long[] { 1, 1 }, conv.AttrLongs(Attr.Dilations));
        Assert.Equal(new long[] { 1, 1, 1, 1 }, conv.AttrLongs(Attr.Pad));
        Assert.Equal("custom", conv.Attr<string>(Attr.PadType));
        Assert.Equal(1L, conv.AttrLong(Attr.Groups));
        Assert.Equal(4L, conv.AttrLong(Attr.OutChannels));
        Assert.Equal(2L, conv.AttrLong(Attr.InChannels));
        Assert.False(conv.AttrBool(Attr.DynamicWeights));
        Assert.Same(blob, conv.Arg("weight")!.Constant!.Blob);
    }

    [Fact]
    public void Missing_weight_file_warns_and_sizes_weights_from_their_types()
    {
        var warnings = new List<ReadWarning>();
        var main = Decode(_dir, ConvProgram(64, 320), warnings).Single();
        Assert.Contains(warnings, w => w.Code == "weights-missing");
        var w = main.Body.Ops.Single(o => o.Name == "w");
        Assert.False(w.Arg("val")!.Constant!.Blob!.Resolved);
        Assert.Equal(4 * 2 * 3 * 3 * 2L, w.WeightBytes);
    }

    [Fact]
    public void Dynamic_conv_weight_and_pool_attributes()
    {
        const string text = """
            program(1.0)
            {
                func main<ios16>(tensor<fp16, [1, 2, 8, 8]> x, tensor<fp16, [4, 2, 3, 3]> w) {
                        tensor<fp16, [1, 4, 6, 6]> y = conv(groups = int32(1), pad_type = string("valid"), strides = tensor<int32, [2]>([1, 1]), weight = w, x = x)[name = string("c")];
                        tensor<fp16, [1, 4, 1, 1]> p = avg_pool(kernel_sizes = tensor<int32, [2]>([6, 6]), pad_type = string("valid"), strides = tensor<int32, [2]>([1, 1]), x = y)[name = string("p")];
                        tensor<fp16, [1, 4, 2, 2]> u = upsample_nearest_neighbor(scale_factor_height = fp32(2), scale_factor_width = fp32(2), x = p)[name = string("u")];
                        tensor<fp16, [1, 4, 4, 4]> q = pad(mode = string("reflect"), pad = tensor<int32, [4]>([1, 1, 1, 1]), x = u)[name = string("q")];
                    } -> (q);
            }
            """;
        var ops = Decode(_dir, text).Single().Body.Ops;
        var conv = ops.Single(o => o.Kind == "conv");
        Assert.True(conv.AttrBool(Attr.DynamicWeights));
        Assert.Equal(new long[] { 3, 3 }, conv.AttrLongs(Attr.Kernel)); // from the runtime weight's declared shape
        var pool = ops.Single(o => o.Kind == "avg_pool");
        Assert.Equal(new long[] { 6, 6 }, pool.AttrLongs(Attr.Kernel));
        Assert.False(pool.AttrBool(Attr.Global)); // MIL has no global flag; a whole-input kernel stays a plain kernel
        Assert.Equal(new[] { 2.0, 2.0 }, ops.Single(o => o.Kind == "upsample_nearest_neighbor").AttrDoubles(Attr.Scale));
        Assert.Equal("reflect", ops.Single(o => o.Kind == "pad").Attr<string>(Attr.PadMode));
    }
}
