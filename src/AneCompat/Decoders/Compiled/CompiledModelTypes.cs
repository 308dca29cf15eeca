using AneCompat.Graph;

namespace AneCompat.Decoders.Compiled;

/// <summary>
/// The <c>Model.Type</c> oneof members by field number (formats.md a.3): coremldata.bin opens with this number, and
/// its name is what <see cref="ModelNode.ModelType"/> carries.
/// </summary>
public static class CompiledModelTypes
{
    private static readonly Dictionary<int, (string Name, ModelFamily Family)> ByNumber = new()
    {
        [200] = ("pipelineClassifier", ModelFamily.Pipeline),
        [201] = ("pipelineRegressor", ModelFamily.Pipeline),
        [202] = ("pipeline", ModelFamily.Pipeline),
        [300] = ("glmRegressor", ModelFamily.Classical),
        [301] = ("supportVectorRegressor", ModelFamily.Classical),
        [302] = ("treeEnsembleRegressor", ModelFamily.Classical),
        [303] = ("neuralNetworkRegressor", ModelFamily.NeuralNetwork),
        [304] = ("bayesianProbitRegressor", ModelFamily.Classical),
        [400] = ("glmClassifier", ModelFamily.Classical),
        [401] = ("supportVectorClassifier", ModelFamily.Classical),
        [402] = ("treeEnsembleClassifier", ModelFamily.Classical),
        [403] = ("neuralNetworkClassifier", ModelFamily.NeuralNetwork),
        [404] = ("kNearestNeighborsClassifier", ModelFamily.Classical),
        [500] = ("neuralNetwork", ModelFamily.NeuralNetwork),
        [501] = ("itemSimilarityRecommender", ModelFamily.Classical),
        [502] = ("mlProgram", ModelFamily.MlProgram),
        [555] = ("customModel", ModelFamily.CustomModel),
        [556] = ("linkedModel", ModelFamily.LinkedModel),
        [560] = ("classConfidenceThresholding", ModelFamily.Classical),
        [600] = ("oneHotEncoder", ModelFamily.Classical),
        [601] = ("imputer", ModelFamily.Classical),
        [602] = ("featureVectorizer", ModelFamily.Classical),
        [603] = ("dictVectorizer", ModelFamily.Classical),
        [604] = ("scaler", ModelFamily.Classical),
        [606] = ("categoricalMapping", ModelFamily.Classical),
        [607] = ("normalizer", ModelFamily.Classical),
        [609] = ("arrayFeatureExtractor", ModelFamily.Classical),
        [610] = ("nonMaximumSuppression", ModelFamily.Classical),
        [900] = ("identity", ModelFamily.Classical),
        [2000] = ("textClassifier", ModelFamily.AppleProvided),
        [2001] = ("wordTagger", ModelFamily.AppleProvided),
        [2002] = ("visionFeaturePrint", ModelFamily.AppleProvided),
        [2003] = ("soundAnalysisPreprocessing", ModelFamily.AppleProvided),
        [2004] = ("gazetteer", ModelFamily.AppleProvided),
        [2005] = ("wordEmbedding", ModelFamily.AppleProvided),
        [2006] = ("audioFeaturePrint", ModelFamily.AppleProvided),
        [3000] = ("serializedModel", ModelFamily.Serialized),
    };

    private static readonly Dictionary<string, int> ByName =
        ByNumber.ToDictionary(kv => kv.Value.Name, kv => kv.Key, StringComparer.OrdinalIgnoreCase);

    public static bool TryGet(long number, out string name, out ModelFamily family)
    {
        if (number is > 0 and < int.MaxValue && ByNumber.TryGetValue((int)number, out var t))
        {
            (name, family) = t;
            return true;
        }
        (name, family) = ("", ModelFamily.Unknown);
        return false;
    }

    /// <summary>
    /// metadata.json spells the type <c>MLModelType_mlProgram</c>, <c>MLModelType_neuralNetwork</c>, …: the Model.Type
    /// member name behind a prefix.
    /// </summary>
    public static bool TryGetByMetadataName(string metadataName, out string name, out ModelFamily family)
    {
        var bare = metadataName.StartsWith("MLModelType_", StringComparison.Ordinal) ? metadataName["MLModelType_".Length..] : metadataName;
        if (ByName.TryGetValue(bare, out var number)) return TryGet(number, out name, out family);
        (name, family) = ("", ModelFamily.Unknown);
        return false;
    }
}
