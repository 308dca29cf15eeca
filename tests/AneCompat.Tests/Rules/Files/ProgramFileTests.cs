using AneCompat.Building;
using AneCompat.Rules;
using AneCompat.Schema.Mil;
using static AneCompat.Tests.Rules.Files.RealFile;

namespace AneCompat.Tests.Rules.Files;

/// <summary>Precision, quantization, state and format rules on ML program .mlpackage files.</summary>
public class ProgramFileTests
{
    private static AneCompat.Graph.ModelGraph Relu(DataType dtype) => Program(f => f
        .Input("x", MilTypes.Tensor(dtype, 1, 8))
        .Op("relu", new MilInputs { ["x"] = "x" }, "r", MilTypes.Tensor(dtype, 1, 8))
        .Op("sigmoid", new MilInputs { ["x"] = "r" }, "y", MilTypes.Tensor(dtype, 1, 8))
        .Output("y"));

    [Fact]
    public void Fp32Program_op_and_model_level()
    {
        var fp32 = Findings(Relu(DataType.Float32), "DTYPE-FP32", "A17Pro");
        Assert.Equal(2, fp32.Count(f => f.OpIndex is not null));
        var model = Assert.Single(fp32, f => f.OpIndex is null);
        Assert.Equal(Effect.ModelToCpuGpu, model.Effect);
        Assert.Contains("all 2 compute ops", model.Message);
        Silent(Relu(DataType.Float16), "DTYPE-FP32", "A17Pro");
    }

    [Fact]
    public void Int32IndexMath()
    {
        var g = Program(f => f
            .Input("ids", I32(1, 4))
            .Op("add", new MilInputs { ["x"] = "ids", ["y"] = MilValues.Int32(1) }, "y", I32(1, 4))
            .Output("y"));
        Fires(g, "DTYPE-INT", "A17Pro", "int32");
        Silent(Relu(DataType.Float16), "DTYPE-INT", "A17Pro");
    }

    [Fact]
    public void Bf16Tensor()
    {
        AneCompat.Graph.ModelGraph Cast(string to, DataType dt) => Program(f => f
            .Input("x", F16(1, 8))
            .Op("cast", new MilInputs { ["x"] = "x", ["dtype"] = MilValues.String(to) }, "b", MilTypes.Tensor(dt, 1, 8))
            .Op("relu", new MilInputs { ["x"] = "b" }, "r", MilTypes.Tensor(dt, 1, 8))
            .Op("cast", new MilInputs { ["x"] = "r", ["dtype"] = MilValues.String("fp16") }, "y", F16(1, 8))
            .Output("y"));
        Assert.NotEmpty(Findings(Cast("bf16", DataType.Bfloat16), "DTYPE-BF16", "A17Pro"));
        Assert.Contains(Findings(Cast("bf16", DataType.Bfloat16), "DTYPE-BF16", "A17Pro"), f => f.Message.Contains("'r'"));
        Silent(Cast("fp16", DataType.Float16), "DTYPE-BF16", "A17Pro");
    }

    private static AneCompat.Graph.ModelGraph AddConstant(DataType dtype, float value) => Program(f => f
        .Input("x", MilTypes.Tensor(dtype, 1, 4))
        .Const("c", dtype == DataType.Float32
            ? MilValues.Float32s([value, 0, 0, 0], [1, 4])
            : MilValues.Bytes(DataType.Float16, Fp16Bytes(value), [1, 4]))
        .Op("add", new MilInputs { ["x"] = "x", ["y"] = "c" }, "y", MilTypes.Tensor(dtype, 1, 4))
        .Output("y"));

    private static byte[] Fp16Bytes(float first)
    {
        var bytes = new byte[8];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 2), (Half)first);
        return bytes;
    }

    [Fact]
    public void Fp32ConstantBeyondFp16Range()
    {
        Fires(AddConstant(DataType.Float32, 70000f), "DTYPE-FP16-PASS", "A17Pro", "70000");
        Silent(AddConstant(DataType.Float32, 60000f), "DTYPE-FP16-PASS", "A17Pro");
    }

    [Fact]
    public void InfiniteMask()
    {
        // Once, on the op that reads the mask (not again on the const op that holds it).
        Fires(AddConstant(DataType.Float32, float.NegativeInfinity), "ATTN-MASK-INF", "A17Pro", "add 'y': constant y = c contains −inf");
        Fires(AddConstant(DataType.Float16, float.NegativeInfinity), "ATTN-MASK-INF", "A17Pro", "add 'y': constant y = c contains −inf");
        Silent(AddConstant(DataType.Float16, -10000f), "ATTN-MASK-INF", "A17Pro");
    }

    private static AneCompat.Graph.ModelGraph Blockwise(long scaleColumns) => Program(f => f
        .Input("x", F16(1, 16))
        .ConstBlob("q", DataType.Int8, [8, 16])
        .ConstBlob("s", DataType.Float16, [8, scaleColumns])
        .Op("constexpr_blockwise_shift_scale", new MilInputs { ["data"] = "q", ["scale"] = "s" }, "w", F16(8, 16))
        .Op("linear", new MilInputs { ["x"] = "x", ["weight"] = "w" }, "y", F16(1, 8))
        .Output("y"), specificationVersion: 9);

    [Fact]
    public void BlockwiseQuantization()
    {
        Fires(Blockwise(4), "Q-BLOCKWISE", "A17Pro", "scale [8, 4] over data [8, 16]");
        Silent(Blockwise(1), "Q-BLOCKWISE", "A17Pro");
    }

    [Fact]
    public void ActivationQuantization_A16_vs_A17Pro()
    {
        var g = Program(f => f
            .Input("x", F16(1, 8))
            .Op("quantize", new MilInputs
            {
                ["input"] = "x", ["scale"] = MilValues.Float32(0.1f), ["output_dtype"] = MilValues.String("int8"),
            }, "q", MilTypes.Tensor(DataType.Int8, 1, 8))
            .Op("dequantize", new MilInputs { ["input"] = "q", ["scale"] = MilValues.Float32(0.1f) }, "y", F16(1, 8))
            .Output("y"));
        Assert.Equal(2, Findings(g, "Q-W8A8", "A16").Count);
        Assert.Contains("A16", Findings(g, "Q-W8A8", "A16")[0].Message);
        Silent(g, "Q-W8A8", "A17Pro");
    }

    private static AneCompat.Graph.ModelGraph Stateful(DataType dtype, long width, int states) => Program(new MlProgramBuilder().SpecificationVersion(9)
        .Function("main", f =>
        {
            f.Input("x", MilTypes.Tensor(dtype, 1, 32, width));
            for (var i = 0; i < states; i++)
                f.State($"k{i}", MilTypes.Tensor(dtype, 1, 32, width))
                    .Op("read_state", new MilInputs { ["input"] = $"k{i}" }, $"r{i}", MilTypes.Tensor(dtype, 1, 32, width))
                    .Op("add", new MilInputs { ["x"] = "x", ["y"] = $"r{i}" }, $"a{i}", MilTypes.Tensor(dtype, 1, 32, width))
                    .Op("coreml_update_state", new MilInputs { ["state"] = $"k{i}", ["value"] = $"a{i}" }, $"u{i}", MilTypes.Tensor(dtype, 1, 32, width));
            f.Output("u0");
        }));

    [Fact]
    public void StateDtype()
    {
        // Both the read and the write of the fp32 state stay fp32.
        var f = Findings(Stateful(DataType.Float32, 64, 1), "STATE-DTYPE", "A17Pro");
        Assert.Equal(2, f.Count);
        Assert.All(f, x => Assert.Contains("state 'k0' is declared fp32", x.Message));
    }

    [Fact]
    public void StateDtypeFp16IsFine() => Silent(Stateful(DataType.Float16, 64, 1), "STATE-DTYPE", "A17Pro");

    [Fact]
    public void StateAlignment()
    {
        Assert.All(Findings(Stateful(DataType.Float16, 30, 1), "STATE-ALIGN32", "M4"), f => Assert.Contains("30", f.Message));
        Assert.NotEmpty(Findings(Stateful(DataType.Float16, 30, 1), "STATE-ALIGN32", "M4"));
        Silent(Stateful(DataType.Float16, 64, 1), "STATE-ALIGN32", "M4");
    }

    [Fact]
    public void StateCount()
    {
        Fires(Stateful(DataType.Float16, 64, 3), "STATE-COUNT", "A19", "3 states");
        Silent(Stateful(DataType.Float16, 64, 2), "STATE-COUNT", "A19");
    }

    [Fact]
    public void MlProgramOnA12_vs_A14()
    {
        var g = Relu(DataType.Float16);
        Assert.Equal(Effect.Unknown, Fires(g, "FMT-MLPROGRAM", "A12", "A12").Effect);
        Silent(g, "FMT-MLPROGRAM", "A14");
    }
}
