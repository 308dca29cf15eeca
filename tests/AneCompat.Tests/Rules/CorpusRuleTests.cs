using AneCompat.Rules;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Rules;

/// <summary>
/// Expectations on real corpus models, written from the fact base and the corpus catalog (not from program output).
/// They need the decoders (SpecDecoder, NeuralNetwork, MIL, compiled), which land in other branches.
/// </summary>
public class CorpusRuleTests
{
    private static Analysis Analyze(string key, string chip = ChipProfiles.DefaultName) =>
        RuleEngine.Default.Evaluate(ModelReader.Read(Corpus.Path(key)), ChipProfiles.Find(chip)!);

    private static List<Finding> Findings(Analysis a, string rule) => a.Findings.Where(f => f.RuleId == rule).ToList();

    [CorpusTheory]
    [InlineData("custom-layer-swish/NeuralMcNeuralNet.mlmodel", 1)]
    [InlineData("lstsq-custom-layer/test-model.mlmodel", 1)]
    [InlineData("fast-style-transfer-vangogh/FastStyleTransferVanGoghStarryNight.mlmodel", 6)]
    public void CustomLayersAreOffTheAne(string key, int customLayers)
    {
        var a = Analyze(key);
        var custom = Findings(a, "MODEL-CUSTOM");
        Assert.Equal(customLayers, custom.Count);
        Assert.All(custom, f => Assert.True(f.BlocksAne));
    }

    [CorpusFact]
    public void TfLstmNdControlFlowFlagsControlFlowAndNdLayers()
    {
        var a = Analyze("tf-lstm-nd-controlflow/model.mlmodel");
        var counts = Corpus.Expected["tf-lstm-nd-controlflow/model.mlmodel"].Ops;
        Assert.Equal(counts["branch"] + counts["loop"], Findings(a, "CF").Count);
        var nd = counts.Where(kv => kv.Key.EndsWith("Broadcastable", StringComparison.Ordinal) || kv.Key.EndsWith("ND", StringComparison.Ordinal) || kv.Key == "sliceStatic")
            .Sum(kv => kv.Value);
        Assert.Equal(nd, Findings(a, "NN-BROADCASTABLE-ND").Count);
        Assert.Equal(counts["batchedMatmul"], Findings(a, "MATMUL-NN-BATCHED").Count);
        Assert.Equal(counts["scatter"], Findings(a, "SCATTER").Count);
        Assert.Equal(counts["gather"], Findings(a, "GATHER").Count);
        // The model has no LSTM layers despite its name (expected-ops.json), so RNN must not fire.
        Assert.False(counts.ContainsKey("uniDirectionalLSTM"));
        Assert.Empty(Findings(a, "RNN"));
    }

    [CorpusTheory]
    [InlineData("blazeface-torch-ct4/BlazeFaceScaled.mlmodel")]
    [InlineData("blazeface-nms-pipeline/blazeface_pipeline.mlmodel")]
    [InlineData("handpose-classifier-createml/MyHandPoseClassifier.mlmodel")]
    [InlineData("handwritten-chinese-tf27/coreml_model.mlmodel")]
    public void BroadcastableAndNdLayersAreFlagged(string key)
    {
        var counts = Corpus.Expected[key].Ops;
        var expected = counts.Where(kv => kv.Key.EndsWith("Broadcastable", StringComparison.Ordinal) || kv.Key.EndsWith("ND", StringComparison.Ordinal)
            || kv.Key is "sliceStatic" or "stack").Sum(kv => kv.Value);
        Assert.True(expected > 0);
        Assert.Equal(expected, Findings(Analyze(key), "NN-BROADCASTABLE-ND").Count);
    }

    [CorpusFact]
    public void NmsMemberOfBlazefacePipelineIsClassicalButDoesNotBlockTheNetwork()
    {
        var a = Analyze("blazeface-nms-pipeline/blazeface_pipeline.mlmodel");
        var nms = Assert.Single(Findings(a, "MODEL-NONNN"));
        Assert.NotEqual("", nms.ModelPath);
        var conv = a.Graph.AllOps().First(o => o.Source == "convolution");
        Assert.DoesNotContain(a.ForOp(conv.Index), f => f.BlocksAne);
    }

    [CorpusTheory]
    [InlineData("insurance-xgboost/insurance_model.mlmodel")]
    [InlineData("eog-tabular-glm/model.mlmodel")]
    [InlineData("iris-logreg-pipeline/iris.mlmodel")]
    [InlineData("mars-habitat-pricer/MarsHabitatPricer.mlmodel")]
    [InlineData("sleep-predictor-linear/SleepPredictor.mlmodel")]
    [InlineData("text-sentiment-createml13/SentimentAnalysisModel.mlmodel")]
    [InlineData("text-sentiment-default/sentimentClassifierDefault.mlmodel")]
    [InlineData("text-tweet-sentiment/TweetSentimentClassifier.mlmodel")]
    public void ClassicalModelsAreCpuByDesign(string key)
    {
        var classical = Corpus.Expected[key].Kinds.Where(k => !k.StartsWith("pipeline", StringComparison.Ordinal)).ToList();
        var f = Findings(Analyze(key), "MODEL-NONNN");
        Assert.Equal(classical.Count, f.Count);
        Assert.All(f, x => Assert.Equal(Effect.ModelToCpuGpu, x.Effect));
    }

    [CorpusTheory]
    [InlineData("createml-image-classifier/ImageClassifier.mlmodel")]
    [InlineData("sound-classifier-createml/SoundClassifier.mlmodel")]
    public void FeaturePrintsAreUnknown(string key) =>
        Assert.Equal(Effect.Unknown, Assert.Single(Findings(Analyze(key), "MODEL-FEATUREPRINT")).Effect);

    [CorpusTheory]
    [InlineData("rtmpose-m-speconly/rtmpose-m.mlpackage")]          // every op fp32 (checked with our schema)
    [InlineData("mlpackage-nonstandard-author/model.mlpackage")]    // matmul + softmax, fp32
    public void Fp32ProgramsAreBarredFromTheNe(string key)
    {
        var a = Analyze(key);
        Assert.Contains(a.ModelLevel, f => f.RuleId == "DTYPE-FP32" && f.Effect == Effect.ModelToCpuGpu);
        Assert.Contains(Findings(a, "DTYPE-FP32"), f => f.OpIndex is not null);
    }

    [CorpusFact]
    public void Cifar10HasAnFp32PreprocessingIsland()
    {
        // The program's input mul/add are fp32 ops before the cast to fp16; conv/linear/relu are fp16. The two casts
        // that enter and leave that island (and the classify head) read or write fp32 too, so they are flagged with it.
        var a = Analyze("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage");
        var fp32 = Findings(a, "DTYPE-FP32").Where(f => f.OpIndex is not null).Select(f => a.Graph.AllOps().First(o => o.Index == f.OpIndex).Source).ToList();
        Assert.Equal(new[] { "add", "mul" }, fp32.Where(s => s != "cast").OrderBy(s => s));
        Assert.DoesNotContain(fp32, s => s is "conv" or "linear" or "relu" or "max_pool");
        Assert.DoesNotContain(a.ModelLevel, f => f.RuleId == "DTYPE-FP32");
    }

    [CorpusFact]
    public void Fp16ProgramWithBoundaryCastsHasNoFp32Findings() =>
        Assert.Empty(Findings(Analyze("superpoint-mlpackage/superpoint.mlpackage"), "DTYPE-FP32"));

    [CorpusFact]
    public void ArgmaxHelperIsPredictedOnCpu()
    {
        var a = Analyze("fluidaudio-argmax-mlmodelc/Argmax.mlmodelc");
        Assert.Single(Findings(a, "ARGMAX"));
        Assert.Single(Findings(a, "DTYPE-INT"));
    }

    [CorpusFact]
    public void RangeShapedEncoderIsGatedToItsDefaultShape() =>
        Assert.Single(Findings(Analyze("fluidaudio-transposeencoder-mlmodelc/TransposeEncoder.mlmodelc"), "SHAPE-RANGE"));

    [Fact]
    public void EspressoHintFallbackIsSurfaced()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anecompat-hint-" + Guid.NewGuid().ToString("N"), "hint.mlmodelc");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "model.espresso.net"), """
                { "storage": "model.espresso.weights", "format_version": 200, "properties": {}, "analyses": {}, "metadata_in_weights": [],
                  "layers": [
                    { "type": "inner_product", "name": "fc", "bottom": "input", "top": "fc_out", "nB": 4, "nC": 4, "has_biases": 0,
                      "blob_weights": 1, "weights": {}, "hint_fallback_from_ane": 1 },
                    { "type": "activation", "name": "relu", "bottom": "fc_out", "top": "output", "mode": 0, "weights": {} } ] }
                """);
            File.WriteAllText(Path.Combine(dir, "model.espresso.shape"), """
                { "layer_shapes": { "input": {"n": 1, "k": 4, "h": 1, "w": 1}, "fc_out": {"n": 1, "k": 4, "h": 1, "w": 1}, "output": {"n": 1, "k": 4, "h": 1, "w": 1} } }
                """);
            // One 64-byte fp32 blob (4×4) after the table: count, (id, size), payload.
            var weights = new byte[8 + 16 + 64];
            BitConverter.GetBytes(1UL).CopyTo(weights, 0);
            BitConverter.GetBytes(1UL).CopyTo(weights, 8);
            BitConverter.GetBytes(64UL).CopyTo(weights, 16);
            File.WriteAllBytes(Path.Combine(dir, "model.espresso.weights"), weights);

            var a = RuleEngine.Default.Evaluate(ModelReader.Read(dir), ChipProfiles.Default);
            var hint = Assert.Single(Findings(a, "HINT-FALLBACK"));
            Assert.Equal("inner_product", a.Graph.AllOps().First(o => o.Index == hint.OpIndex).Source);
            Assert.True(hint.BlocksAne);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true);
        }
    }
}
