using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// The predicted ANECompat status of real corpus models on the default target with compute units <c>all</c>.
/// Needs the decoders and the rule base (other branches). Expectations come from the fact base, not from output:
/// classical models have no ANE code path (MODEL-NONNN, §4.7); custom layers only have CPU/GPU implementations
/// (MODEL-CUSTOM) while the rest of those nets are plain convolutions; MNIST uses only conv / pooling / innerProduct /
/// activation / flatten / softmax layers that the catalog supports, but is too little work for the ANE (COST-MIN-WORK).
/// </summary>
[Trait("Category", "Corpus")]
public class CorpusStatusTests
{
    private static CompatibilityStatus StatusOf(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        return ReportBuilder.Analyze(graph, ChipProfiles.Default, ComputeUnits.All).Status;
    }

    [CorpusTheory]
    [InlineData("insurance-xgboost/insurance_model.mlmodel")]
    [InlineData("mars-habitat-pricer/MarsHabitatPricer.mlmodel")]
    [InlineData("mars-habitat-pricer-mlmodelc/MarsHabitatPricer.mlmodelc")]
    [InlineData("eog-tabular-glm/model.mlmodel")]
    [InlineData("sleep-predictor-linear/SleepPredictor.mlmodel")]
    [InlineData("iris-logreg-pipeline/iris.mlmodel")]
    [InlineData("text-sentiment-createml13/SentimentAnalysisModel.mlmodel")]
    [InlineData("text-sentiment-default/sentimentClassifierDefault.mlmodel")]
    [InlineData("text-tweet-sentiment/TweetSentimentClassifier.mlmodel")]
    [InlineData("createml-image-classifier/ImageClassifier.mlmodel")]
    [InlineData("sound-classifier-createml/SoundClassifier.mlmodel")]
    public void ClassicalModelsAreNotCompatible(string key) => Assert.Equal(CompatibilityStatus.NotCompatible, StatusOf(key));

    [CorpusTheory]
    [InlineData("custom-layer-swish/NeuralMcNeuralNet.mlmodel")]
    [InlineData("fast-style-transfer-vangogh/FastStyleTransferVanGoghStarryNight.mlmodel")]
    public void CustomLayersMakeModelsPartial(string key) => Assert.Equal(CompatibilityStatus.Partial, StatusOf(key));

    [CorpusFact]
    public void LargePlainConvNetIsFullyCompatible() =>
        Assert.Equal(CompatibilityStatus.FullyCompatible, StatusOf("pose-cpm/model_cpm.mlmodel"));

    [CorpusFact]
    public void SmallMnistNetIsFullyEligibleButStaysOnTheCpuByCost()
    {
        // MNIST's conv / pooling / innerProduct layers all run on the ANE (eligibility 100 %), but the whole net is
        // ≈0.1 ms of CPU work, below the ANE's dispatch overhead: Core ML keeps small models on the CPU (COST-MIN-WORK;
        // docs/calibration.md lists this change). The verdict says it is placement, not an unsupported layer.
        var graph = ModelReader.Read(Corpus.Path("mnist-ph1ps/MNIST.mlmodel"));
        var report = ReportBuilder.Analyze(graph, ChipProfiles.Default, ComputeUnits.All);
        Assert.Equal(CompatibilityStatus.NotCompatible, report.Status);
        Assert.Equal(1.0, report.Eligibility.OpsFraction);
        Assert.All(report.Ops.Where(o => o.Role == OpRole.Compute), o => Assert.Equal("COST-MIN-WORK", o.ReasonRule));
        Assert.Contains("placement", report.StatusReason);
    }

    [CorpusFact]
    public void CarnLayerTypesRunOnTheAneButItsPixelShuffleReshapeExceedsTheWidthCap()
    {
        // CARN uses only Core ML 2 layer types, all supported by the catalog. At its default 3×500×500 input, though,
        // the file's own pixel-shuffle reshape (targetShape [2, 2, 64, 250000]) makes W = 500·500 = 250000, beyond the
        // ANE's per-axis cap (DIM-AXIS-MAX: the ANE error was seen for W = 240000). The fact base therefore predicts
        // partial, and nothing but that cap takes ops off the ANE.
        var graph = ModelReader.Read(Corpus.Path("carn-super-resolution/Model.mlmodel"));
        var report = ReportBuilder.Analyze(graph, ChipProfiles.Default, ComputeUnits.All);
        Assert.Equal(CompatibilityStatus.Partial, report.Status);
        Assert.Equal(new[] { "DIM-AXIS-MAX" }, report.AllFindings.Where(f => f.BlocksAne).Select(f => f.RuleId).Distinct());
        Assert.All(report.AllFindings.Where(f => f.RuleId == "DIM-AXIS-MAX"), f => Assert.Contains("250000", f.Message));
    }

    [CorpusFact]
    public void LstmWithControlFlowIsNotFullyCompatible()
    {
        // Its loop/branch control flow, getShape/fillDynamic/scatter/gather and unrolled LSTM are off the ANE per the
        // catalog, and what remains is tiny innerProduct work: partial at best, more likely not compatible.
        Assert.NotEqual(CompatibilityStatus.FullyCompatible, StatusOf("tf-lstm-nd-controlflow/model.mlmodel"));
    }

    [CorpusFact]
    public void CommandLineExitsWithTheStatusAndFillsLogDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "anecompat-corpus-" + Guid.NewGuid().ToString("N"));
        try
        {
            var stdout = new StringWriter();
            var code = AneCompat.Cli.Cli.Run(new[] { Corpus.Path("custom-layer-swish/NeuralMcNeuralNet.mlmodel"), dir }, stdout, new StringWriter());
            Assert.Equal(1, code);
            Assert.StartsWith("1 partially compatible", stdout.ToString());
            Assert.All(LogDirWriter.FileNames, f => Assert.True(File.Exists(Path.Combine(dir, f)), f));
            SarifValidator.AssertValid(File.ReadAllText(Path.Combine(dir, "report.sarif")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
