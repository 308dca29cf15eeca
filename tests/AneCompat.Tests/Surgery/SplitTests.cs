using AneCompat.Building;
using AneCompat.Evaluation;
using AneCompat.Planning;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Surgery.Split;
using AneCompat.Tests.Support;
using Tensor = AneCompat.Evaluation.Tensor;
using ValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Tests.Surgery;

/// <summary>
/// split on real corpus models and on an ML program built here: the sub-models and the pipeline re-read with our
/// decoders, validate as a pipeline, and — where the evaluator covers every op — chain to the original's outputs.
/// </summary>
public class SplitTests
{
    private static readonly EvaluationOptions WithSwish = new()
    {
        CustomLayers = new Dictionary<string, CustomLayerKernel>
        {
            ["Swish"] = x => [TensorMath.Map(x[0], v => v * NeuralNetworkEvaluator.Sigmoid(v))],
        },
    };

    /// <summary>Every written model reads back; the pipeline validates; the separate models chained by hand give
    /// what the pipeline gives.</summary>
    private static void AssertWellFormed(SplitResult result, LoadedModel original, EvaluationOptions? options = null, bool chain = true)
    {
        foreach (var path in result.PartPaths.Append(result.PipelinePath)) ModelReader.Read(path);
        var pipeline = LoadedModel.Read(result.PipelinePath);
        Assert.Empty(PipelineValidator.Validate(pipeline.Spec));
        Assert.Equal(result.Parts.Count, (pipeline.Spec.Pipeline ?? pipeline.Spec.PipelineClassifier?.Pipeline ?? pipeline.Spec.PipelineRegressor.Pipeline).Models.Count);
        if (!chain) return;
        // Chain the separate files the way an app would, feature by feature.
        var evaluator = new ModelEvaluator(options);
        var inputs = RandomInputs.For(original.Spec.Description, 11);
        var features = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
        foreach (var path in result.PartPaths)
        {
            var part = LoadedModel.Read(path);
            var given = part.Spec.Description.Input.ToDictionary(i => i.Name, i => features[i.Name]);
            foreach (var kv in evaluator.Evaluate(part, given)) features[kv.Key] = kv.Value;
        }
        var expected = evaluator.Evaluate(original, inputs);
        foreach (var (name, value) in expected) Assert.Equal(value.Data, features[name].Data);
    }

    [CorpusFact]
    public void Custom_layer_model_splits_into_ane_cpu_ane_and_chains_to_the_original()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel");
        // Cut around the custom layer (the placement cost model may keep this small net on the CPU as a whole).
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { Evaluation = WithSwish, CutAfter = ["conv2d_1", "swish_1"] });

        Assert.Equal(3, result.Parts.Count);
        var cpu = result.Parts[1].Spec.NeuralNetwork;
        Assert.Equal(NeuralNetworkLayer.LayerOneofCase.Custom, Assert.Single(cpu.Layers).LayerCase);
        // Original blob names cross the cuts; the boundary shape was measured with the given Swish kernel.
        Assert.Equal(new[] { "conv2d_1_output" }, result.Parts[1].Inputs);
        Assert.Equal(new[] { "swish_1_output" }, result.Parts[2].Inputs);
        Assert.Equal(new long[] { 6, 256, 256 }, result.Parts[2].Spec.Description.Input.Single().Type.MultiArrayType.Shape);
        Assert.True(result.Proof.Ran, result.Proof.ToString());
        Assert.Equal(0, result.Proof.MaxAbsDifference);
        AssertWellFormed(result, LoadedModel.Read(input), WithSwish);
        Assert.Equal(File.ReadAllBytes(input).Length, new FileInfo(input).Length);
    }

    [CorpusFact]
    public void Without_a_kernel_for_the_custom_layer_the_unknown_boundary_shape_is_refused_then_taken_from_the_user()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel");
        var e = Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(input, dir.File("a"), new SplitOptions { CutAfter = ["conv2d_1", "swish_1"] }));
        Assert.Contains("--boundary-shape swish_1_output=", e.Message);
        Assert.False(Directory.Exists(dir.File("a")));

        var result = ModelSplitter.Split(input, dir.File("b"), new SplitOptions
        {
            CutAfter = ["conv2d_1", "swish_1"],
            BoundaryShapes = new Dictionary<string, long[]> { ["swish_1_output"] = [6, 256, 256] },
        });
        Assert.Equal("equivalence not checked: not covered: custom (Swish)", result.Proof.ToString());
        AssertWellFormed(result, LoadedModel.Read(input), chain: false);
    }

    [CorpusFact]
    public void Lstsq_custom_layer_model_all_on_cpu_needs_a_cut_point()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("lstsq-custom-layer/test-model.mlmodel");
        Assert.Contains("nothing to split", Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(input, dir.File("a"))).Message);

        var result = ModelSplitter.Split(input, dir.File("b"), new SplitOptions { CutAfter = ["transpose_0"] });
        Assert.Equal(2, result.Parts.Count);
        Assert.Equal(new[] { "transpose_0", "b" }, result.Parts[1].Inputs);
        // The input 'a' has a ranged shape, so the measured boundary shape is declared flexible.
        var boundary = result.Parts[1].Spec.Description.Input.First(i => i.Name == "transpose_0").Type.MultiArrayType;
        Assert.Equal(ArrayFeatureType.ShapeFlexibilityOneofCase.ShapeRange, boundary.ShapeFlexibilityCase);
        Assert.StartsWith("equivalence not checked: not covered: custom", result.Proof.ToString());
        AssertWellFormed(result, LoadedModel.Read(input), chain: false);
    }

    [CorpusFact]
    public void Custom_layer_model_split_at_predicted_boundaries_without_a_cut_point()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel");
        var original = LoadedModel.Read(input);

        // Placement: the cost model keeps the small convolution with the custom layer on the CPU; the head is ANE.
        var placed = ModelSplitter.Split(input, dir.File("placement"), new SplitOptions { Evaluation = WithSwish });
        Assert.Equal(new[] { "CPU", "ANE" }, placed.Parts.Select(p => p.Label));
        Assert.Equal(new[] { "swish_1_output" }, placed.Parts[1].Inputs);
        Assert.True(placed.Proof.Ran, placed.Proof.ToString());
        Assert.Equal(0, placed.Proof.MaxAbsDifference);
        AssertWellFormed(placed, original, WithSwish);

        // Eligibility: every op no rule blocks is in an ANE part, so the custom layer alone is cut out.
        var eligible = ModelSplitter.Split(input, dir.File("eligibility"), new SplitOptions { Evaluation = WithSwish, By = SplitBoundaries.Eligibility });
        Assert.Equal(new[] { "ANE", "CPU", "ANE" }, eligible.Parts.Select(p => p.Label));
        Assert.Equal(NeuralNetworkLayer.LayerOneofCase.Custom, Assert.Single(eligible.Parts[1].Spec.NeuralNetwork.Layers).LayerCase);
        Assert.Equal(new[] { "conv2d_1_output" }, eligible.Parts[1].Inputs);
        Assert.True(eligible.Proof.Ran, eligible.Proof.ToString());
        Assert.Equal(0, eligible.Proof.MaxAbsDifference);
        AssertWellFormed(eligible, original, WithSwish);
    }

    [CorpusFact]
    public void Lstm_model_with_control_flow_splits_at_its_predicted_boundary_and_chains_to_the_original()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("tf-lstm-nd-controlflow/model.mlmodel");
        var nested = Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(input, dir.File("a"),
            new SplitOptions { CutAfter = ["sequential_9/lstm_9/PartitionedCall/while/while_body_60167/while/add"] }));
        Assert.Contains("inside a nested block", nested.Message);

        // No cut point, no boundary shape: the evaluator runs the loop to measure the crossing tensor.
        var result = ModelSplitter.Split(input, dir.File("c"), new SplitOptions { ProofSeeds = 2 });
        Assert.Equal(new[] { "CPU", "ANE" }, result.Parts.Select(p => p.Label));
        // The loop and both branches stay whole in the CPU part; the dense head is the ANE part.
        var cpu = result.Parts[0].Spec.NeuralNetwork.Layers;
        Assert.Contains(cpu, l => l.LayerCase == NeuralNetworkLayer.LayerOneofCase.Loop);
        Assert.Contains(cpu, l => l.LayerCase == NeuralNetworkLayer.LayerOneofCase.Branch);
        Assert.All(result.Parts[1].Spec.NeuralNetwork.Layers, l => Assert.True(l.LayerCase is NeuralNetworkLayer.LayerOneofCase.InnerProduct or NeuralNetworkLayer.LayerOneofCase.Activation));
        var boundary = Assert.Single(result.Parts[1].Spec.Description.Input);
        Assert.Equal("sequential_9/lstm_9/PartitionedCall/strided_slice_2", boundary.Name);
        Assert.Equal(new long[] { 1, 75 }, boundary.Type.MultiArrayType.Shape);
        Assert.True(result.Proof.Ran, result.Proof.ToString());
        Assert.Equal(0, result.Proof.MaxAbsDifference);
        AssertWellFormed(result, LoadedModel.Read(input));
    }

    [CorpusFact]
    public void A_model_with_no_boundary_says_where_every_op_is_predicted()
    {
        using var dir = new TempDir();
        var lstsq = Corpus.Path("lstsq-custom-layer/test-model.mlmodel");
        Assert.Equal("nothing to split: every op is predicted on the CPU; cut where the ANE could run with --by eligibility, or name a cut point with --at OPNAME",
            Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(lstsq, dir.File("a"))).Message);
        var fp32 = Corpus.Path("mlpackage-nonstandard-author/model.mlpackage");
        Assert.Equal("nothing to split: no op is ANE-eligible (every op is predicted on the GPU); name a cut point with --at OPNAME",
            Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(fp32, dir.File("b"), new SplitOptions { By = SplitBoundaries.Eligibility })).Message);
        Assert.False(Directory.Exists(dir.File("a")));
        Assert.False(Directory.Exists(dir.File("b")));
    }

    [CorpusFact]
    public void Lstsq_model_split_by_eligibility_reports_the_custom_layer_it_cannot_evaluate()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("lstsq-custom-layer/test-model.mlmodel");
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { By = SplitBoundaries.Eligibility });
        Assert.Equal(new[] { "ANE", "CPU" }, result.Parts.Select(p => p.Label));
        Assert.Equal(new[] { "transpose_0", "b" }, result.Parts[1].Inputs);
        Assert.Equal("equivalence not checked: not covered: custom (dneprDroid_lstsq)", result.Proof.ToString());
        AssertWellFormed(result, LoadedModel.Read(input), chain: false);
    }

    [CorpusFact]
    public void Classifier_cut_by_the_user_keeps_its_head_in_the_last_part_and_chains_exactly()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("mnist-ph1ps/MNIST.mlmodel");
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { CutAfter = ["activation_2"], ProofSeeds = 2 });
        Assert.Equal(Model.TypeOneofCase.NeuralNetwork, result.Parts[0].Spec.TypeCase);
        Assert.Equal(Model.TypeOneofCase.NeuralNetworkClassifier, result.Parts[1].Spec.TypeCase);
        Assert.Equal(new long[] { 32, 24, 24 }, result.Parts[1].Spec.Description.Input.Single().Type.MultiArrayType.Shape);
        Assert.True(result.Proof.Ran);
        Assert.Equal(0, result.Proof.MaxAbsDifference);
        Assert.Equal(Model.TypeOneofCase.PipelineClassifier, LoadedModel.Read(result.PipelinePath).Spec.TypeCase);
        AssertWellFormed(result, LoadedModel.Read(input));
    }

    private static ValueType F16(params long[] s) => MilTypes.Tensor(DataType.Float16, s);
    private static ValueType F32(params long[] s) => MilTypes.Tensor(DataType.Float32, s);

    private static MilInputs Conv(string x, string w) => new()
    {
        ["x"] = x, ["weight"] = w, ["strides"] = MilValues.Int32s(1, 1), ["pad_type"] = MilValues.String("same"),
        ["pad"] = MilValues.Int32s(0, 0, 0, 0), ["dilations"] = MilValues.Int32s(1, 1), ["groups"] = MilValues.Int32(1),
    };

    /// <summary>fp16 conv → relu → an fp32 island (cast, mul, cast) the planner puts on the CPU → conv with the same
    /// weights → add of the relu output (a skip connection over the island).</summary>
    private static string BuildProgram(TempDir dir)
    {
        var path = dir.File("island.mlpackage");
        new MlProgramBuilder().Function("main", f => f
            .Input("x", F16(1, 16, 32, 32))
            .ConstBlob("w", DataType.Float16, [16, 16, 3, 3])
            .ConstBlob("unused", DataType.Float16, [64])
            .Op("conv", Conv("x", "w"), "c1", F16(1, 16, 32, 32))
            .Op("relu", new MilInputs { ["x"] = "c1" }, "r1", F16(1, 16, 32, 32))
            .Op("cast", new MilInputs { ["x"] = "r1", ["dtype"] = MilValues.String("fp32") }, "r1f", F32(1, 16, 32, 32))
            .Op("mul", new MilInputs { ["x"] = "r1f", ["y"] = MilValues.Float32(0.5f) }, "m", F32(1, 16, 32, 32))
            .Op("cast", new MilInputs { ["x"] = "m", ["dtype"] = MilValues.String("fp16") }, "mh", F16(1, 16, 32, 32))
            .Op("conv", Conv("mh", "w"), "c2", F16(1, 16, 32, 32))
            .Op("add", new MilInputs { ["x"] = "c2", ["y"] = "r1" }, "y", F16(1, 16, 32, 32))
            .Output("y")).WritePackage(path);
        return path;
    }

    [Fact]
    public void Ml_program_splits_around_a_cpu_island_carrying_the_skip_connection_and_duplicating_shared_weights()
    {
        using var dir = new TempDir();
        var input = BuildProgram(dir);
        // Cut around the fp32 island (the placement cost model keeps a program this small on the CPU as a whole).
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { ComputeUnits = ComputeUnits.CpuAndNeuralEngine, CutAfter = ["r1", "mh"] });

        Assert.Equal(3, result.Parts.Count);
        // r1 crosses from part 1 to part 2 and, skipping the island, to part 3.
        Assert.Contains("r1", result.Parts[0].Outputs);
        Assert.Contains("r1", result.Parts[2].Inputs);
        Assert.Contains("mh", result.Parts[2].Inputs);
        // The shared weight is copied into both ANE parts, each with a weight file of its own; the unused blob is left out.
        Assert.Single(result.Parts[0].Blobs);
        Assert.Single(result.Parts[2].Blobs);
        Assert.Empty(result.Parts[1].Blobs);
        var weights = Path.Combine(result.PartPaths[0], "Data", "com.apple.CoreML", "weights", "weight.bin");
        Assert.Equal(64 + 64 + 16 * 16 * 9 * 2, new FileInfo(weights).Length);
        // fp16 crossings are fp16 features (spec 8 allows them), with the MIL types unchanged.
        var r1 = result.Parts[2].Spec.Description.Input.Single(i => i.Name == "r1").Type.MultiArrayType;
        Assert.Equal(ArrayFeatureType.Types.ArrayDataType.Float16, r1.DataType);
        Assert.Equal(new long[] { 1, 16, 32, 32 }, r1.Shape);
        Assert.True(result.Proof.Ran, result.Proof.ToString());
        Assert.Equal(0, result.Proof.MaxAbsDifference);
        AssertWellFormed(result, LoadedModel.Read(input));
    }

    [Fact]
    public void Ml_program_split_by_eligibility_cuts_out_the_fp32_island_without_a_cut_point()
    {
        using var dir = new TempDir();
        var input = BuildProgram(dir);
        // Placement keeps a program this small on the CPU as a whole; eligibility cuts where the rule verdict changes.
        Assert.StartsWith("nothing to split: every op is predicted on the CPU",
            Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(input, dir.File("placement"))).Message);
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { By = SplitBoundaries.Eligibility });
        Assert.Equal(new[] { "ANE", "CPU", "ANE" }, result.Parts.Select(p => p.Label));
        Assert.Equal(new[] { "r1" }, result.Parts[1].Inputs);
        Assert.Equal(new[] { "mh", "r1" }, result.Parts[2].Inputs.Order());
        Assert.Equal(new[] { "cast", "mul", "cast" }, result.Parts[1].Spec.MlProgram.Functions["main"].BlockSpecializations.Values.Single()
            .Operations.Where(o => o.Type != "const").Select(o => o.Type));
        Assert.True(result.Proof.Ran, result.Proof.ToString());
        Assert.Equal(0, result.Proof.MaxAbsDifference);
        AssertWellFormed(result, LoadedModel.Read(input));
    }

    [CorpusFact]
    public void Corpus_ml_program_at_spec_6_splits_by_eligibility_with_fp16_crossings_carried_as_fp32()
    {
        using var dir = new TempDir();
        var input = Corpus.Path("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
        // The fp32 image scaling and the final cast are blocked (DTYPE-FP32); the fp16 network between is eligible,
        // though the cost model keeps this small program on the CPU.
        Assert.StartsWith("nothing to split: every op is predicted on the CPU",
            Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(input, dir.File("placement"))).Message);
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { By = SplitBoundaries.Eligibility });
        Assert.Equal(new[] { "CPU", "ANE", "CPU" }, result.Parts.Select(p => p.Label));
        Assert.Equal(new[] { "cast_2" }, result.Parts[1].Inputs);
        Assert.Equal(new[] { "linear_2_cast_fp16" }, result.Parts[2].Inputs);

        // Spec 6 has no FLOAT16 features: the fp16 value crosses as FLOAT32 under its own name, cast on both sides.
        var crossing = result.Parts[1].Spec.Description.Input.Single().Type.MultiArrayType;
        Assert.Equal(ArrayFeatureType.Types.ArrayDataType.Float32, crossing.DataType);
        Assert.Equal(new long[] { 1, 3, 32, 32 }, crossing.Shape);
        Assert.All(result.Parts, p => Assert.Equal(6, p.Spec.SpecificationVersion));
        var writer = result.Parts[0].Spec.MlProgram.Functions["main"].BlockSpecializations.Values.Single();
        Assert.Equal(("cast", "cast_2"), (writer.Operations[^1].Type, writer.Operations[^1].Outputs[0].Name));
        Assert.Equal("cast_2_fp16", writer.Operations[^1].Inputs["x"].Arguments[0].Name);
        var reader = result.Parts[1].Spec.MlProgram.Functions["main"].BlockSpecializations.Values.Single();
        Assert.Equal(("cast", "cast_2_fp16"), (reader.Operations[0].Type, reader.Operations[0].Outputs[0].Name));
        Assert.Equal(DataType.Float16, reader.Operations[0].Outputs[0].Type.TensorType.DataType);
        // Only the ANE part holds weights: the three convolution/linear layers' blobs.
        Assert.Empty(result.Parts[0].Blobs);
        Assert.NotEmpty(result.Parts[1].Blobs);

        Assert.True(result.Proof.Ran, result.Proof.ToString());
        Assert.Equal(0, result.Proof.MaxAbsDifference);
        AssertWellFormed(result, LoadedModel.Read(input));
    }

    [Fact]
    public void Ml_program_cut_at_a_named_op()
    {
        using var dir = new TempDir();
        var input = BuildProgram(dir);
        var result = ModelSplitter.Split(input, dir.File("out"), new SplitOptions { CutAfter = ["r1"] });
        Assert.Equal(2, result.Parts.Count);
        Assert.Equal(new[] { "r1" }, result.Parts[0].Outputs);
        AssertWellFormed(result, LoadedModel.Read(input));
    }

    [CorpusFact]
    public void Refuses_compiled_models_multi_function_programs_and_existing_output_folders()
    {
        using var dir = new TempDir();
        var compiled = Assert.Throws<SplitRefusedException>(() =>
            ModelSplitter.Split(Corpus.Path("coremltools-add-model-mlmodelc/add_model.mlmodelc"), dir.File("a")));
        Assert.Contains(".mlmodelc", compiled.Message);

        var multi = dir.File("multi.mlpackage");
        new MlProgramBuilder().SpecificationVersion(9)
            .Function("a", f => f.Input("x", F16(4)).Op("relu", new MilInputs { ["x"] = "x" }, "y", F16(4)).Output("y"))
            .Function("b", f => f.Input("x", F16(4)).Op("relu", new MilInputs { ["x"] = "x" }, "y", F16(4)).Output("y"))
            .WritePackage(multi);
        Assert.Contains("single-function", Assert.Throws<SplitRefusedException>(() => ModelSplitter.Split(multi, dir.File("b"))).Message);

        var input = BuildProgram(dir);
        Directory.CreateDirectory(dir.File("exists"));
        Assert.Throws<IOException>(() => ModelSplitter.Split(input, dir.File("exists"), new SplitOptions { CutAfter = ["r1"] }));
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("exists")));
        Assert.Throws<IOException>(() => ModelSplitter.Split(input, input, new SplitOptions { CutAfter = ["r1"] }));
    }

    [CorpusFact]
    public void Cli_split_writes_the_folder_and_refuses_with_exit_5()
    {
        using var dir = new TempDir();
        var ok = CliRunner.Run("split", Corpus.Path("lstsq-custom-layer/test-model.mlmodel"), "-o", dir.File("out"), "--at", "transpose_0");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("pipeline: ", ok.Stdout);
        Assert.True(File.Exists(dir.File("out/test-model.pipeline.mlmodel")));

        var nothing = CliRunner.Run("split", Corpus.Path("lstsq-custom-layer/test-model.mlmodel"), "-o", dir.File("n"));
        Assert.Equal(5, nothing.ExitCode);
        Assert.Equal("anecompat: split refused: nothing to split: every op is predicted on the CPU; cut where the ANE could run with --by eligibility, or name a cut point with --at OPNAME", nothing.Stderr.Trim());
        Assert.False(Directory.Exists(dir.File("n")));
        var both = CliRunner.Run("split", Corpus.Path("lstsq-custom-layer/test-model.mlmodel"), "-o", dir.File("n"), "--by", "placement", "--at", "transpose_0");
        Assert.Equal(5, both.ExitCode);
        Assert.Contains("--at and --by cannot be combined", both.Stderr);
        Assert.NotEqual(0, CliRunner.Run("split", Corpus.Path("lstsq-custom-layer/test-model.mlmodel"), "-o", dir.File("n"), "--by", "weights").ExitCode);
        Assert.Contains("--by", CliRunner.Run("split", "--help").Stdout);

        var refused = CliRunner.Run("split", Corpus.Path("coremltools-add-model-mlmodelc/add_model.mlmodelc"), "-o", dir.File("x"));
        Assert.Equal(5, refused.ExitCode);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Contains("split refused", refused.Stderr);
        Assert.False(Directory.Exists(dir.File("x")));
    }
}
