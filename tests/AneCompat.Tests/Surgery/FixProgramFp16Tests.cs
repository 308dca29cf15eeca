using AneCompat.Building;
using AneCompat.Evaluation;
using AneCompat.Schema.Mil;
using AneCompat.Surgery;
using AneCompat.Surgery.Fixes;
using AneCompat.Tests.Support;
using Google.Protobuf;
using Tensor = AneCompat.Evaluation.Tensor;

namespace AneCompat.Tests.Surgery;

/// <summary>S9: ML-program fp32 compute → fp16, on a program built here (fp32 weights in weight.bin) and on the corpus.</summary>
public class FixProgramFp16Tests
{
    private const string Spec = "Data/com.apple.CoreML/model.mlmodel";
    private const string Weights = "Data/com.apple.CoreML/weights/weight.bin";

    /// <summary>fp32 conv (weights and bias in the weight file) → relu, both outputs; relu's result also × 1e5 (a
    /// constant fp16 cannot hold, so that mul stays fp32 as coremltools keeps it).</summary>
    private static MlProgramBuilder ConvProgram() => new MlProgramBuilder().SpecificationVersion(6).Function("main", f =>
    {
        f.Input("x", MilTypes.Tensor(DataType.Float32, 1, 4, 8, 8));
        f.ConstBlob("w", DataType.Float32, [8, 4, 3, 3])
         .ConstBlob("b", DataType.Float32, [8])
         .Op("conv", new MilInputs
         {
             ["x"] = "x", ["weight"] = "w", ["bias"] = "b", ["strides"] = MilValues.Int32s(1, 1), ["pad_type"] = MilValues.String("valid"),
             ["pad"] = MilValues.Int32s(0, 0, 0, 0), ["dilations"] = MilValues.Int32s(1, 1), ["groups"] = MilValues.Int32(1),
         }, "c", MilTypes.Tensor(DataType.Float32, 1, 8, 6, 6))
         .Op("relu", new MilInputs { ["x"] = "c" }, "r", MilTypes.Tensor(DataType.Float32, 1, 8, 6, 6))
         .Const("big", MilValues.Float32(1e5f))
         .Op("mul", new MilInputs { ["x"] = "r", ["y"] = "big" }, "m", MilTypes.Tensor(DataType.Float32, 1, 8, 6, 6))
         .Output("r", "m");
    });

    private static IList<Operation> Ops(Schema.Model m) => m.MlProgram.Functions["main"].BlockSpecializations[m.MlProgram.Functions["main"].Opset].Operations;

    [Fact]
    public void Fp32_program_with_weight_file_becomes_fp16_inside_with_casts_new_fp16_blobs_and_the_interface_unchanged()
    {
        using var dir = new TempDir();
        var input = dir.File("in.mlpackage");
        ConvProgram().WritePackage(input);
        var before = CorpusHashes.Snapshot(input);
        var o = FixRunner.Run(input, dir.File("out.mlpackage"), new FixOptions { AllowApproximate = true }, dryRun: false);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(input));

        Assert.Equal(new[] { "c", "r" }, o.Plan.Applied.Where(p => p.Fix.Id == "S9").Select(p => p.LayerName));
        Assert.All(o.Plan.Applied, p => Assert.True(o.Plan.Checks[p].Passed && o.Plan.Checks[p].Runs == ProgramRegionProof.Runs));
        var kept = Assert.Single(o.Plan.Skipped, p => p.Fix.Id == "S9");
        Assert.Equal("m", kept.LayerName);
        Assert.Contains("holds 100000, beyond fp16's ±65504: coremltools' fp16 pass keeps such an op in fp32 (fp16_overflow)", kept.NotApplicable);
        Assert.Empty(o.Plan.SpecificationVersions); // fp16 compute and cast exist in CoreML5 (spec 6): nothing to raise

        var original = FixTestSupport.ReadWhole(System.IO.Path.Combine(input, Spec));
        var written = FixTestSupport.ReadWhole(dir.File("out.mlpackage/" + Spec));
        Assert.Equal(6, written.SpecificationVersion);
        Assert.Equal(original.Description.ToByteArray(), written.Description.ToByteArray()); // interface unchanged
        Assert.Equal(original.MlProgram.Functions["main"].Inputs, written.MlProgram.Functions["main"].Inputs);
        var ops = Ops(written);
        Assert.Equal(new[] { "const", "const", "cast", "conv", "relu", "cast", "const", "mul" }, ops.Select(op => op.Type));
        Assert.All(ops.Take(2), c => Assert.Equal(DataType.Float16, c.Attributes["val"].Type.TensorType.DataType));
        Assert.Equal("x", ops[2].Inputs["x"].Arguments[0].Name);
        Assert.Equal(DataType.Float16, ops[3].Outputs[0].Type.TensorType.DataType);
        Assert.Equal(("r_fp16", "r", DataType.Float32), (ops[5].Inputs["x"].Arguments[0].Name, ops[5].Outputs[0].Name, ops[5].Outputs[0].Type.TensorType.DataType));
        Assert.Equal(Ops(original)[^2].ToByteArray(), ops[^2].ToByteArray()); // untouched: the big constant and the mul
        Assert.Equal(Ops(original)[^1].ToByteArray(), ops[^1].ToByteArray());

        // The weight file is the original with two fp16 blobs appended (header count raised), so old offsets hold.
        var inBytes = File.ReadAllBytes(System.IO.Path.Combine(input, Weights));
        var outBytes = File.ReadAllBytes(dir.File("out.mlpackage/" + Weights));
        Assert.Equal(BitConverter.ToUInt32(inBytes) + 2, BitConverter.ToUInt32(outBytes));
        Assert.Equal(inBytes[4..], outBytes[4..inBytes.Length]);
        using (var a = new MilConstants(System.IO.Path.Combine(input, "Data/com.apple.CoreML")))
        using (var b = new MilConstants(dir.File("out.mlpackage/Data/com.apple.CoreML")))
        {
            var w32 = (Tensor)a.Read(Ops(original)[0].Attributes["val"], "w");
            var w16 = (Tensor)b.Read(ops[0].Attributes["val"], "w");
            Assert.True(ops[0].Attributes["val"].BlobFileValue.Offset >= (ulong)inBytes.Length);
            Assert.Equal(w32.Data.Select(v => (float)(Half)v), w16.Data);
        }

        // The whole rewritten program computes what the original did, within the declared fp16 bound.
        var evaluator = new ModelEvaluator();
        var inModel = LoadedModel.Read(input);
        var outModel = LoadedModel.Read(dir.File("out.mlpackage"));
        for (var seed = 0; seed < 2; seed++)
        {
            var values = RandomInputs.For(inModel.Spec.Description, seed);
            var expected = evaluator.Evaluate(inModel, values);
            var actual = evaluator.Evaluate(outModel, values);
            // The bound holds where the rewrite hands values back (r); m is r × 1e5 in fp32 on both sides.
            for (var k = 0; k < expected["r"].Count; k++)
            {
                Assert.InRange(Math.Abs(expected["r"].Data[k] - actual["r"].Data[k]) / (1 + Math.Abs(expected["r"].Data[k])), 0, ProgramFp16ComputeFix.Bound(2));
                Assert.Equal(actual["r"].Data[k] * 1e5f, actual["m"].Data[k]);
            }
        }

        // Re-read and analysed: fewer fp32 findings, an ANE share no lower.
        Assert.True(o.After!.Rules.Single(r => r.RuleId == "DTYPE-FP32").Count < o.Before.Rules.Single(r => r.RuleId == "DTYPE-FP32").Count);
        Assert.True(o.After.Placement.OpsFraction >= o.Before.Placement.OpsFraction);

        // A second run can now give the casts' side of the interface to the caller (S19, spec 7).
        var again = FixRunner.Run(dir.File("out.mlpackage"), dir.File("io.mlpackage"), new FixOptions(), dryRun: false);
        Assert.Contains(again.Plan.Applied, p => p.Fix.Id == "S19" && p.LayerName == "x");
        Assert.Equal((6, 7), again.Plan.SpecificationVersions[""]);
    }

    [Fact]
    public void S9_is_not_applied_without_allow_approximate_and_says_so()
    {
        using var dir = new TempDir();
        ConvProgram().WritePackage(dir.File("in.mlpackage"));
        var cli = CliRunner.Run("fix", dir.File("in.mlpackage"), "--dry-run", "--rule", "S9");
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("not applied S9 [DTYPE-FP32] 'c': approximate rewrite: needs --allow-approximate", cli.Stdout);
        Assert.DoesNotContain("note: ", cli.Stdout); // the old "S9/S11 not implemented" note is gone

        var applied = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlpackage"), "--allow-approximate", "--rule", "S9");
        Assert.Equal(0, applied.ExitCode);
        Assert.Equal(2, applied.Stderr.Split('\n').Count(l => l.StartsWith("anecompat: warning: S9 on '"))); // one per op
    }

    [Fact]
    public void A_region_whose_proof_fails_is_not_rewritten()
    {
        // (x + 1000) − 1000: in fp16, x + 1000 keeps x only to the nearest 0.5 — far beyond the declared bound.
        using var dir = new TempDir();
        new MlProgramBuilder().SpecificationVersion(6).Function("main", f =>
        {
            f.Input("x", MilTypes.Tensor(DataType.Float32, 1, 16));
            f.Const("k", MilValues.Float32(1000f))
             .Op("add", new MilInputs { ["x"] = "x", ["y"] = "k" }, "s", MilTypes.Tensor(DataType.Float32, 1, 16))
             .Op("sub", new MilInputs { ["x"] = "s", ["y"] = "k" }, "e", MilTypes.Tensor(DataType.Float32, 1, 16))
             .Output("e");
        }).WritePackage(dir.File("in.mlpackage"));
        var o = FixRunner.Run(dir.File("in.mlpackage"), null, new FixOptions { AllowApproximate = true }, dryRun: true);
        Assert.Empty(o.Plan.Applied);
        var s9 = o.Plan.Skipped.Where(p => p.Fix.Id == "S9").ToList();
        Assert.Equal(new[] { "s", "e" }, s9.Select(p => p.LayerName));
        Assert.All(s9, p => Assert.StartsWith("equivalence check failed: fp16 results differ by up to", p.NotApplicable));
    }

    [CorpusFact]
    public void Cifar10_fp32_input_scaling_becomes_fp16_and_untouched_ops_are_byte_identical()
    {
        var input = Corpus.Path("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
        using var dir = new TempDir();
        var before = CorpusHashes.Snapshot(input);
        var o = FixRunner.Run(input, dir.File("out.mlpackage"), new FixOptions { AllowApproximate = true }, dryRun: false);
        CorpusHashes.AssertUnchanged(before, CorpusHashes.Snapshot(input));
        var applied = o.Plan.Applied.Where(p => p.Fix.Id == "S9").ToList();
        Assert.Equal(new[] { "image__scaled__", "image__biased__" }, applied.Select(p => p.LayerName));
        Assert.All(applied, p => Assert.True(o.Plan.Checks[p].Passed));
        Assert.Contains(o.Plan.Skipped, p => p.LayerName == "classify_0" && p.NotApplicable!.Contains("does not cover classify"));
        Assert.Contains(o.Plan.Skipped, p => p.NotApplicable!.Contains("_UNSUPPORTED_FP16_OPS"));
        Assert.True(o.After!.Rules.Single(r => r.RuleId == "DTYPE-FP32").Count < o.Before.Rules.Single(r => r.RuleId == "DTYPE-FP32").Count);
        Assert.DoesNotContain(o.After.Rules, r => r.RuleId == "DTYPE-FP32-LITERAL");
        // Equal, not higher: the model is so small that placement keeps every op on the CPU (COST-MIN-WORK).
        Assert.True(o.After.Placement.OpsFraction >= o.Before.Placement.OpsFraction);

        var original = Ops(FixTestSupport.ReadWhole(System.IO.Path.Combine(input, Spec)));
        var written = Ops(FixTestSupport.ReadWhole(dir.File("out.mlpackage/" + Spec))).Select(op => op.ToByteArray()).ToList();
        var untouched = original.Where(op => written.Any(w => w.AsSpan().SequenceEqual(op.ToByteArray()))).Count();
        // Touched: the two converted ops, their two fp32 constants, and the kept cast to fp16 that became an identity.
        Assert.Equal(original.Count - 5, untouched);
        Assert.Equal(original.Count + 1, written.Count); // one cast to fp16 of the fp32 image input
        Assert.Equal(File.ReadAllBytes(System.IO.Path.Combine(input, Weights)), File.ReadAllBytes(dir.File("out.mlpackage/" + Weights))); // fp16 weights already
    }

    [CorpusFact]
    public void Spec_only_and_too_large_programs_are_not_rewritten_and_the_plan_says_why()
    {
        var rtmpose = FixRunner.Run(Corpus.Path("rtmpose-m-speconly/rtmpose-m.mlpackage"), null, new FixOptions { AllowApproximate = true, Only = ["S9"] }, dryRun: true);
        Assert.Empty(rtmpose.Plan.Applied);
        Assert.Contains(rtmpose.Plan.Skipped, p => p.NotApplicable!.EndsWith("op(s) read fp32 weights that cannot be read (weight file missing); converting the rest would only add casts around them"));

        var big = FixRunner.Run(Corpus.Path("mlpackage-nonstandard-author/model.mlpackage"), null, new FixOptions { AllowApproximate = true, Only = ["S9"] }, dryRun: true);
        Assert.Equal(new[] { "matmul", "softmax" }, big.Plan.Skipped.Select(p => p.LayerName));
        Assert.All(big.Plan.Skipped, p => Assert.Contains("multiply-adds per run, beyond the reference evaluator's budget", p.NotApplicable));
    }

    [CorpusFact]
    public void Spec_only_yolo_program_gets_its_fp32_input_scaling_in_fp16_without_touching_weights()
    {
        var input = Corpus.Path("yolov5n-mlprogram-speconly/model.mlmodel");
        using var dir = new TempDir();
        var o = FixRunner.Run(input, dir.File("out.mlmodel"), new FixOptions { AllowApproximate = true, Only = ["S9"] }, dryRun: false);
        var applied = Assert.Single(o.Plan.Applied);
        Assert.Equal("image__scaled__", applied.LayerName);
        Assert.True(o.Plan.Checks[applied].Passed);
        Assert.Equal(0, o.After!.Rules.SingleOrDefault(r => r.RuleId == "DTYPE-FP32")?.Count ?? 0);
        Assert.True(o.After.Placement.OpsFraction > o.Before.Placement.OpsFraction);
    }

    [Fact]
    public void A_stateful_program_is_refused_when_S9_would_rewrite_it()
    {
        using var dir = new TempDir();
        new MlProgramBuilder().SpecificationVersion(9).Function("main", f =>
        {
            f.Input("x", MilTypes.Tensor(DataType.Float32, 1, 8));
            f.State("k", MilTypes.Tensor(DataType.Float16, 1, 8));
            f.Op("relu", new MilInputs { ["x"] = "x" }, "y", MilTypes.Tensor(DataType.Float32, 1, 8)).Output("y");
        }).WritePackage(dir.File("in.mlpackage"));
        var cli = CliRunner.Run("fix", dir.File("in.mlpackage"), "-o", dir.File("out.mlpackage"), "--allow-approximate", "--rule", "S9");
        Assert.Equal(5, cli.ExitCode);
        Assert.StartsWith("anecompat: fix: refused: stateful ML program: S9 would rewrite 'y'", cli.Stderr);
        Assert.Equal(new[] { "in.mlpackage" }, dir.Entries());
    }
}
