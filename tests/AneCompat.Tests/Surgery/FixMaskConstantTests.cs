using AneCompat.Building;
using AneCompat.Evaluation;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Surgery;
using AneCompat.Tests.Support;
using Google.Protobuf;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Tests.Surgery;

/// <summary>S11: −inf / huge mask constants before a softmax → a finite value, in ML programs and NeuralNetworks.</summary>
public class FixMaskConstantTests
{
    private const string Spec = "Data/com.apple.CoreML/model.mlmodel";

    /// <summary>A causal 4×4 mask: −inf above the diagonal (or <paramref name="masked"/>), every row keeps its diagonal
    /// unless <paramref name="fullRow"/> masks row 0 entirely.</summary>
    private static float[] CausalMask(float masked = float.NegativeInfinity, bool fullRow = false) =>
        Enumerable.Range(0, 16).Select(i => i % 4 > i / 4 || fullRow && i < 4 ? masked : 0f).ToArray();

    private static byte[] Bytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>scores [1,4,4] + mask (a weight-file blob, or an immediate value the analysis reads) → softmax over the
    /// last axis; <paramref name="reader"/> reads the mask.</summary>
    private static MlProgramBuilder MaskedAttention(float[] mask, string reader = "add", bool blob = true) => new MlProgramBuilder().SpecificationVersion(7).Function("main", f =>
    {
        f.Input("scores", MilTypes.Tensor(DataType.Float32, 1, 4, 4));
        (blob ? f.ConstBlob("mask", DataType.Float32, [1, 4, 4], Bytes(mask)) : f.Const("mask", MilValues.Float32s(mask, [1, 4, 4])))
         .Op(reader, new MilInputs { ["x"] = "scores", ["y"] = "mask" }, "masked", MilTypes.Tensor(DataType.Float32, 1, 4, 4))
         .Op("softmax", new MilInputs { ["x"] = "masked", ["axis"] = MilValues.Int32(-1) }, "weights", MilTypes.Tensor(DataType.Float32, 1, 4, 4))
         .Output("weights");
    });

    private static IList<Operation> Ops(Model m) => m.MlProgram.Functions["main"].BlockSpecializations[m.MlProgram.Functions["main"].Opset].Operations;

    private static void AssertSameOutputs(string original, string rewritten, string output, double tolerance)
    {
        var evaluator = new ModelEvaluator();
        var a = LoadedModel.Read(original);
        var b = LoadedModel.Read(rewritten);
        for (var seed = 0; seed < 2; seed++)
        {
            var inputs = RandomInputs.For(a.Spec.Description, seed);
            var e = evaluator.Evaluate(a, inputs)[output];
            var r = evaluator.Evaluate(b, inputs)[output];
            Assert.Equal(e.Shape, r.Shape);
            for (var k = 0; k < e.Count; k++) Assert.InRange(Math.Abs(e.Data[k] - r.Data[k]), 0, tolerance);
        }
    }

    [Fact]
    public void Program_minus_inf_mask_becomes_the_chosen_value_and_softmax_results_are_unchanged()
    {
        using var dir = new TempDir();
        MaskedAttention(CausalMask(), blob: false).WritePackage(dir.File("in.mlpackage"));
        var before = CorpusHashes.Snapshot(dir.File("in.mlpackage"));
        var cli = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlpackage"), "--allow-approximate", "--rule", "S11", "--mask-value", "-4e4");
        Assert.Equal(0, cli.ExitCode);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(dir.File("in.mlpackage")));
        Assert.Contains("applied S11 [ATTN-MASK-INF, approximate] 'mask': 6 mask value(s) (−inf or ≤ −65504) → -40000 before softmax; proven on 2 random input set(s)", cli.Stdout);
        Assert.Contains("anecompat: warning: S11 on 'mask' is approximate", cli.Stderr);
        Assert.Contains("findings ATTN-MASK-INF: 1 → 0 (gone)", cli.Stdout);

        var original = FixTestSupport.ReadWhole(dir.File("in.mlpackage/" + Spec));
        var written = FixTestSupport.ReadWhole(dir.File("out.mlpackage/" + Spec));
        var mask = Ops(written)[0].Attributes["val"];
        Assert.Equal(DataType.Float32, mask.Type.TensorType.DataType);
        Assert.Equal(CausalMask(-4e4f), mask.ImmediateValue.Tensor.Floats.Values);
        Assert.Equal(Ops(original).Skip(1).Select(op => op.ToByteArray()), Ops(written).Skip(1).Select(op => op.ToByteArray())); // add, softmax untouched
        Assert.Equal(original.Description.ToByteArray(), written.Description.ToByteArray());
        AssertSameOutputs(dir.File("in.mlpackage"), dir.File("out.mlpackage"), "weights", 1e-6);
    }

    [Fact]
    public void With_S9_in_the_same_run_the_replaced_mask_is_converted_to_fp16()
    {
        using var dir = new TempDir();
        MaskedAttention(CausalMask(float.MinValue)).WritePackage(dir.File("in.mlpackage"));
        var o = FixRunner.Run(dir.File("in.mlpackage"), dir.File("out.mlpackage"), new FixOptions { AllowApproximate = true }, dryRun: false);
        Assert.Contains(o.Plan.Applied, p => p.Fix.Id == "S11" && p.LayerName == "mask");
        // coremltools' rule: an op reading a finite fp32 constant beyond ±65504 stays fp32 — judged on the original file
        // (-3.4e38), so the add stays fp32 in this run and the softmax alone is converted.
        Assert.Contains(o.Plan.Skipped, p => p.Fix.Id == "S9" && p.LayerName == "masked" && p.NotApplicable!.Contains("fp16_overflow"));
        Assert.Contains(o.Plan.Applied, p => p.Fix.Id == "S9" && p.LayerName == "weights");

        // A second run sees the finite mask: now the add and its constant become fp16 too.
        var again = FixRunner.Run(dir.File("out.mlpackage"), dir.File("again.mlpackage"), new FixOptions { AllowApproximate = true }, dryRun: false);
        Assert.Contains(again.Plan.Applied, p => p.Fix.Id == "S9" && p.LayerName == "masked");
        var mask = Ops(FixTestSupport.ReadWhole(dir.File("again.mlpackage/" + Spec)))[0].Attributes["val"];
        Assert.Equal(DataType.Float16, mask.Type.TensorType.DataType);
        var halves = mask.ImmediateValue.Tensor.Bytes.Values.ToByteArray();
        Assert.Equal(CausalMask(-1e4f).Select(v => (Half)v), Enumerable.Range(0, 16).Select(i => BitConverter.ToHalf(halves, 2 * i)));
    }

    [Fact]
    public void Masks_read_by_other_ops_or_masking_whole_rows_are_not_replaced_and_the_plan_says_why()
    {
        using var dir = new TempDir();
        MaskedAttention(CausalMask(), reader: "mul").WritePackage(dir.File("mul.mlpackage"));
        var mul = FixRunner.Run(dir.File("mul.mlpackage"), null, new FixOptions { AllowApproximate = true, Only = ["S11"] }, dryRun: true);
        Assert.Equal("'masked' (mul) reads it: only an additive mask (add, or a branch of select) before a softmax may change −inf to a finite value",
            Assert.Single(mul.Plan.Skipped).NotApplicable);

        MaskedAttention(CausalMask(fullRow: true)).WritePackage(dir.File("row.mlpackage"));
        var row = FixRunner.Run(dir.File("row.mlpackage"), null, new FixOptions { AllowApproximate = true, Only = ["S11"] }, dryRun: true);
        Assert.Equal("equivalence check failed: a row is masked everywhere: the original gives NaN there and the rewrite uniform weights, which is no approximation of it",
            Assert.Single(row.Plan.Skipped).NotApplicable);

        var needs = CliRunner.Run("fix", dir.File("row.mlpackage"), "--dry-run", "--rule", "S11");
        Assert.Contains("not applied S11 [ATTN-MASK-INF] 'mask': approximate rewrite: needs --allow-approximate", needs.Stdout);
        var bad = CliRunner.Run("fix", dir.File("row.mlpackage"), "--dry-run", "--mask-value", "-65504");
        Assert.Equal(5, bad.ExitCode);
        Assert.StartsWith("anecompat: fix: --mask-value -65504: too close to fp16's −65504", bad.Stderr);
    }

    [Fact]
    public void Program_select_mask_is_replaced_in_its_branch()
    {
        using var dir = new TempDir();
        var keep = CausalMask().Select(v => v == 0).ToArray();
        new MlProgramBuilder().SpecificationVersion(7).Function("main", f =>
        {
            f.Input("scores", MilTypes.Tensor(DataType.Float32, 1, 4, 4));
            f.Const("keep", MilValues.Bools(keep, [1, 4, 4]))
             .Const("ninf", MilValues.Float32(float.NegativeInfinity))
             .Op("select", new MilInputs { ["cond"] = "keep", ["a"] = "scores", ["b"] = "ninf" }, "masked", MilTypes.Tensor(DataType.Float32, 1, 4, 4))
             .Op("softmax", new MilInputs { ["x"] = "masked", ["axis"] = MilValues.Int32(-1) }, "weights", MilTypes.Tensor(DataType.Float32, 1, 4, 4))
             .Output("weights");
        }).WritePackage(dir.File("in.mlpackage"));
        var o = FixRunner.Run(dir.File("in.mlpackage"), dir.File("out.mlpackage"), new FixOptions { AllowApproximate = true, Only = ["S11"] }, dryRun: false);
        var p = Assert.Single(o.Plan.Applied);
        Assert.Equal("ninf", p.LayerName);
        Assert.Equal(new[] { -1e4f }, Ops(FixTestSupport.ReadWhole(dir.File("out.mlpackage/" + Spec)))[1].Attributes["val"].ImmediateValue.Tensor.Floats.Values);
        AssertSameOutputs(dir.File("in.mlpackage"), dir.File("out.mlpackage"), "weights", 1e-6);
    }

    /// <summary>NN (ND): scores [1,4,4] + loadConstantND mask → softmaxND(−1).</summary>
    private static NeuralNetworkModelBuilder NnAttention(float[] mask, bool multiply = false)
    {
        var b = new NeuralNetworkModelBuilder().SpecificationVersion(4).ExactArrayMapping()
            .MultiArrayInput("scores", [1, 4, 4]).MultiArrayOutput("weights", [1, 4, 4]);
        b.Layer("mask", [], ["mask"], l =>
        {
            l.LoadConstantND = new LoadConstantNDLayerParams { Data = new WeightParams() };
            l.LoadConstantND.Shape.Add(new ulong[] { 1, 4, 4 });
            l.LoadConstantND.Data.FloatValue.Add(mask);
        });
        if (multiply) b.MultiplyBroadcastable("apply", ["scores", "mask"], "masked");
        else b.AddBroadcastable("apply", ["scores", "mask"], "masked");
        b.SoftmaxND("softmax", "masked", "weights");
        return b;
    }

    [Fact]
    public void Neural_network_loadConstantND_mask_before_softmaxND_becomes_finite()
    {
        using var dir = new TempDir();
        NnAttention(CausalMask(-1e9f)).Write(dir.File("in.mlmodel"));
        var o = FixRunner.Run(dir.File("in.mlmodel"), dir.File("out.mlmodel"), new FixOptions { AllowApproximate = true }, dryRun: false);
        var s11 = Assert.Single(o.Plan.Applied, p => p.Fix.Id == "S11");
        Assert.Equal("mask", s11.LayerName);
        Assert.True(o.Plan.Checks[s11].Passed && o.Plan.Checks[s11].Runs == 2);
        // S4 would fold the mask into a bias with its old value: it yields to S11.
        Assert.DoesNotContain(o.Plan.Applied, p => p.FoldedConstants.Contains(0));
        var written = FixTestSupport.ReadWhole(dir.File("out.mlmodel"));
        var layers = FixTestSupport.Layers(written);
        Assert.Equal(CausalMask(-1e4f), layers[0].LoadConstantND.Data.FloatValue);
        var original = FixTestSupport.Layers(FixTestSupport.ReadWhole(dir.File("in.mlmodel")));
        Assert.Equal(original[^1].ToByteArray(), layers[^1].ToByteArray()); // softmaxND untouched
        AssertSameOutputs(dir.File("in.mlmodel"), dir.File("out.mlmodel"), "weights", 1e-6);
        Assert.NotNull(o.After);
        Assert.True(o.After!.Placement.OpsFraction >= o.Before.Placement.OpsFraction);

        NnAttention(CausalMask(), multiply: true).Write(dir.File("mul.mlmodel"));
        var mul = FixRunner.Run(dir.File("mul.mlmodel"), null, new FixOptions { AllowApproximate = true, Only = ["S11"] }, dryRun: true);
        Assert.Equal("'apply' (MultiplyBroadcastable) reads it: only an additive mask before a softmax may change −inf to a finite value", Assert.Single(mul.Plan.Skipped).NotApplicable);
    }
}
