using AneCompat.Building;
using AneCompat.Evaluation;
using AneCompat.Schema.Mil;
using AneCompat.Tests.Support;
using Tensor = AneCompat.Evaluation.Tensor;
using ValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Tests.Evaluation;

/// <summary>ML program ops against hand-computed values, run from written packages so blob weights are read back.</summary>
public class MilEvaluatorTests
{

    private static IReadOnlyDictionary<string, Tensor> Run(Action<MilFunctionBuilder> main, Dictionary<string, Tensor> inputs, EvaluationOptions? options = null)
    {
        using var dir = new TempDir();
        var path = dir.File("p.mlpackage");
        new MlProgramBuilder().Function("main", main).WritePackage(path);
        return new ModelEvaluator(options).Evaluate(LoadedModel.Read(path), inputs);
    }

    private static ValueType F32(params long[] s) => MilTypes.Tensor(DataType.Float32, s);
    private static ValueType F16(params long[] s) => MilTypes.Tensor(DataType.Float16, s);
    private static Tensor T(int[] shape, params float[] d) => new(shape, d);

    [Fact]
    public void Elementwise_binary_ops_broadcast_with_operand_order()
    {
        var y = Run(f => f.Input("x", F32(2, 1))
            .Const("c", MilValues.Float32s(new float[] { 10, 20, 30 }, [1, 3]))
            .Op("sub", new MilInputs { ["x"] = "x", ["y"] = "c" }, "s", F32(2, 3))
            .Op("real_div", new MilInputs { ["x"] = "c", ["y"] = "x" }, "d", F32(2, 3))
            .Op("maximum", new MilInputs { ["x"] = "x", ["y"] = MilValues.Float32(1.5f) }, "m", F32(2, 1))
            .Output("s", "d", "m"), new() { ["x"] = T([2, 1], 1, 2) });
        Assert.Equal(new float[] { -9, -19, -29, -8, -18, -28 }, y["s"].Data);
        Assert.Equal(new float[] { 10, 20, 30, 5, 10, 15 }, y["d"].Data);
        Assert.Equal(new float[] { 1.5f, 2 }, y["m"].Data);
    }

    [Fact]
    public void Conv_with_blob_weights_and_bias_then_relu()
    {
        var weights = WeightFill.ToFloat32Bytes(new float[] { 1, 2, -3, -4 });   // [2 out, 2 in, 1, 1]
        var y = Run(f => f.Input("x", F32(1, 2, 1, 1))
            .ConstBlob("w", DataType.Float32, [2, 2, 1, 1], weights)
            .Const("b", MilValues.Float32s(new float[] { 0.5f, 0.5f }, [2]))
            .Op("conv", new MilInputs
            {
                ["x"] = "x", ["weight"] = "w", ["bias"] = "b", ["strides"] = MilValues.Int32s(1, 1), ["pad_type"] = MilValues.String("valid"),
                ["pad"] = MilValues.Int32s(0, 0, 0, 0), ["dilations"] = MilValues.Int32s(1, 1), ["groups"] = MilValues.Int32(1),
            }, "c", F32(1, 2, 1, 1))
            .Op("relu", new MilInputs { ["x"] = "c" }, "r", F32(1, 2, 1, 1))
            .Output("c", "r"), new() { ["x"] = T([1, 2, 1, 1], 1, 1) });
        Assert.Equal(new float[] { 3.5f, -6.5f }, y["c"].Data);
        Assert.Equal(new float[] { 3.5f, 0 }, y["r"].Data);
    }

    [Fact]
    public void Linear_matmul_softmax_and_pooling()
    {
        var y = Run(f => f.Input("x", F32(1, 2)).Input("img", F32(1, 1, 2, 2))
            .Const("w", MilValues.Float32s(new float[] { 1, 2, 3, 4 }, [2, 2]))
            .Const("b", MilValues.Float32s(new float[] { 1, 1 }, [2]))
            .Op("linear", new MilInputs { ["x"] = "x", ["weight"] = "w", ["bias"] = "b" }, "l", F32(1, 2))
            .Op("matmul", new MilInputs { ["x"] = "x", ["y"] = "w", ["transpose_x"] = MilValues.Bool(false), ["transpose_y"] = MilValues.Bool(true) }, "mm", F32(1, 2))
            .Op("softmax", new MilInputs { ["x"] = "x", ["axis"] = MilValues.Int32(-1) }, "sm", F32(1, 2))
            .Op("max_pool", new MilInputs { ["x"] = "img", ["kernel_sizes"] = MilValues.Int32s(2, 2), ["strides"] = MilValues.Int32s(1, 1), ["pad_type"] = MilValues.String("valid"), ["pad"] = MilValues.Int32s(0, 0, 0, 0), ["ceil_mode"] = MilValues.Bool(false) }, "mp", F32(1, 1, 1, 1))
            .Op("avg_pool", new MilInputs { ["x"] = "img", ["kernel_sizes"] = MilValues.Int32s(2, 2), ["strides"] = MilValues.Int32s(1, 1), ["pad_type"] = MilValues.String("valid"), ["pad"] = MilValues.Int32s(0, 0, 0, 0), ["ceil_mode"] = MilValues.Bool(false), ["exclude_padding_from_average"] = MilValues.Bool(false) }, "ap", F32(1, 1, 1, 1))
            .Output("l", "mm", "sm", "mp", "ap"), new() { ["x"] = T([1, 2], 1, 1), ["img"] = T([1, 1, 2, 2], 1, 2, 3, 6) });
        Assert.Equal(new float[] { 4, 8 }, y["l"].Data);      // [1+2+1, 3+4+1]
        Assert.Equal(new float[] { 3, 7 }, y["mm"].Data);
        Assert.Equal(new float[] { 0.5f, 0.5f }, y["sm"].Data);
        Assert.Equal(new float[] { 6 }, y["mp"].Data);
        Assert.Equal(new float[] { 3 }, y["ap"].Data);
    }

    [Fact]
    public void Reshape_transpose_concat_split()
    {
        var y = Run(f => f.Input("x", F32(2, 3))
            .Op("reshape", new MilInputs { ["x"] = "x", ["shape"] = MilValues.Int32s(3, 2) }, "r", F32(3, 2))
            .Op("transpose", new MilInputs { ["x"] = "x", ["perm"] = MilValues.Int32s(1, 0) }, "t", F32(3, 2))
            .Op("concat", new MilInputs { ["values"] = MilArg.Names("x", "x"), ["axis"] = MilValues.Int32(0), ["interleave"] = MilValues.Bool(false) }, "c", F32(4, 3))
            .Op("split", new MilInputs { ["x"] = "x", ["split_sizes"] = MilValues.Int32s(1, 2), ["axis"] = MilValues.Int32(1) }, [("s0", F32(2, 1)), ("s1", F32(2, 2))])
            .Output("r", "t", "c", "s0", "s1"), new() { ["x"] = T([2, 3], 1, 2, 3, 4, 5, 6) });
        Assert.Equal(new[] { 3, 2 }, y["r"].Shape);
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, y["t"].Data);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6 }, y["c"].Data);
        Assert.Equal(new float[] { 1, 4 }, y["s0"].Data);
        Assert.Equal(new float[] { 2, 3, 5, 6 }, y["s1"].Data);
    }

    [Fact]
    public void Cast_to_fp16_rounds_and_fp16_values_stay_representable()
    {
        var y = Run(f => f.Input("x", F32(1))
            .Op("cast", new MilInputs { ["x"] = "x", ["dtype"] = MilValues.String("fp16") }, "h", F16(1))
            .Op("add", new MilInputs { ["x"] = "h", ["y"] = MilValues.Float32(0) }, "back", F32(1))
            .Output("h", "back"), new() { ["x"] = T([1], 1.0001f) });
        Assert.Equal(1f, y["h"].Data[0]);
        Assert.Equal(TensorElement.Float16, y["h"].Type);
    }

    [Fact]
    public void Declared_output_shapes_are_checked_and_unknown_ops_say_not_covered()
    {
        var wrong = Assert.Throws<ArgumentException>(() => Run(f => f.Input("x", F32(2))
            .Op("relu", new MilInputs { ["x"] = "x" }, "y", F32(3)).Output("y"), new() { ["x"] = T([2], 1, 2) }));
        Assert.Contains("declared [3]", wrong.Message);
        var e = Assert.Throws<NotCoveredException>(() => Run(f => f.Input("x", F32(2))
            .Op("erf", new MilInputs { ["x"] = "x" }, "y", F32(2)).Output("y"), new() { ["x"] = T([2], 1, 2) }));
        Assert.Equal("not covered: erf", e.Message);
    }
}
