using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Reporting;

/// <summary>
/// The predicted ANECompat status of real corpus models on the default target with compute units <c>all</c>.
/// Needs the decoders and the rule base (other branches). Expectations come from the fact base, not from output:
/// classical models have no ANE code path (MODEL-NONNN, §4.7); custom layers only have CPU/GPU implementations
/// (MODEL-CUSTOM) while the rest of those nets are plain convolutions; MNIST and CARN use only conv / pooling /
/// innerProduct / activation / concat / add / reshape / permute / softmax layers that the catalog supports.
/// </summary>
[Trait("Category", "Corpus")]
public class CorpusStatusTests
{
    private static CompatibilityStatus StatusOf(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        return ReportBuilder.Analyze(graph, ChipProfiles.Default, ComputeUnits.All).Status;
    }

    [Theory]
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

    [Theory]
    [InlineData("custom-layer-swish/NeuralMcNeuralNet.mlmodel")]
    [InlineData("fast-style-transfer-vangogh/FastStyleTransferVanGoghStarryNight.mlmodel")]
    public void CustomLayersMakeModelsPartial(string key) => Assert.Equal(CompatibilityStatus.Partial, StatusOf(key));

    [Theory]
    [InlineData("mnist-ph1ps/MNIST.mlmodel")]
    [InlineData("carn-super-resolution/Model.mlmodel")]
    public void PlainConvNetsAreFullyCompatible(string key) => Assert.Equal(CompatibilityStatus.FullyCompatible, StatusOf(key));

    [Fact]
    public void LstmWithControlFlowIsNotFullyCompatible()
    {
        // Its loop/branch control flow, getShape/fillDynamic/scatter/gather and unrolled LSTM are off the ANE per the
        // catalog, and what remains is tiny innerProduct work: partial at best, more likely not compatible.
        Assert.NotEqual(CompatibilityStatus.FullyCompatible, StatusOf("tf-lstm-nd-controlflow/model.mlmodel"));
    }

    [Fact]
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
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
