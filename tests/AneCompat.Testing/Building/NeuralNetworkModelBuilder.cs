using AneCompat.Output;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Building;

/// <summary>
/// Builds a NeuralNetwork Core ML model (<c>neuralNetwork</c>, or <c>neuralNetworkClassifier</c> after
/// <see cref="Classifier(IEnumerable{string}, string, string)"/>) and writes it as an <c>.mlmodel</c>. The same calls
/// always give the same bytes, so committed samples can be checked for drift.
/// </summary>
public sealed class NeuralNetworkModelBuilder : LayerListBuilder<NeuralNetworkModelBuilder>
{
    /// <summary>The NeuralNetwork layer set of iOS 13 (ND layers, control flow) — coremltools' default minimum.</summary>
    public const int DefaultSpecificationVersion = 4;

    private int _specificationVersion = DefaultSpecificationVersion;
    private readonly ModelDescription _description = new();
    private readonly List<NeuralNetworkPreprocessing> _preprocessing = new();
    private NeuralNetworkMultiArrayShapeMapping _arrayMapping = NeuralNetworkMultiArrayShapeMapping.Rank5ArrayMapping;
    private NeuralNetworkImageShapeMapping _imageMapping = NeuralNetworkImageShapeMapping.Rank5ImageMapping;
    private StringVector? _stringLabels;
    private Int64Vector? _intLabels;
    private string _labelProbabilityLayerName = "";

    public NeuralNetworkModelBuilder SpecificationVersion(int version)
    {
        _specificationVersion = version;
        return this;
    }

    public NeuralNetworkModelBuilder Input(string name, FeatureType type, string shortDescription = "")
    {
        _description.Input.Add(new FeatureDescription { Name = name, Type = type, ShortDescription = shortDescription });
        return this;
    }

    public NeuralNetworkModelBuilder Output(string name, FeatureType type, string shortDescription = "")
    {
        _description.Output.Add(new FeatureDescription { Name = name, Type = type, ShortDescription = shortDescription });
        return this;
    }

    public NeuralNetworkModelBuilder MultiArrayInput(string name, IReadOnlyList<long> shape,
        ArrayFeatureType.Types.ArrayDataType dataType = ArrayFeatureType.Types.ArrayDataType.Float32) =>
        Input(name, FeatureTypes.MultiArray(shape, dataType));

    public NeuralNetworkModelBuilder ImageInput(string name, long width, long height,
        ImageFeatureType.Types.ColorSpace colorSpace = ImageFeatureType.Types.ColorSpace.Rgb) =>
        Input(name, FeatureTypes.Image(width, height, colorSpace));

    public NeuralNetworkModelBuilder MultiArrayOutput(string name, IReadOnlyList<long> shape,
        ArrayFeatureType.Types.ArrayDataType dataType = ArrayFeatureType.Types.ArrayDataType.Float32) =>
        Output(name, FeatureTypes.MultiArray(shape, dataType));

    /// <summary>Interprets multi-array inputs with their exact rank instead of the legacy rank-5 mapping.</summary>
    public NeuralNetworkModelBuilder ExactArrayMapping(bool exact = true)
    {
        _arrayMapping = exact ? NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping : NeuralNetworkMultiArrayShapeMapping.Rank5ArrayMapping;
        return this;
    }

    /// <summary>Interprets image inputs as rank 4 instead of the legacy rank-5 mapping.</summary>
    public NeuralNetworkModelBuilder Rank4ImageMapping(bool rank4 = true)
    {
        _imageMapping = rank4 ? NeuralNetworkImageShapeMapping.Rank4ImageMapping : NeuralNetworkImageShapeMapping.Rank5ImageMapping;
        return this;
    }

    /// <summary>Image preprocessing: pixel · <paramref name="channelScale"/> + per-channel bias.</summary>
    public NeuralNetworkModelBuilder ImageScaler(string featureName, float channelScale,
        float redBias = 0f, float greenBias = 0f, float blueBias = 0f, float grayBias = 0f)
    {
        _preprocessing.Add(new NeuralNetworkPreprocessing
        {
            FeatureName = featureName,
            Scaler = new NeuralNetworkImageScaler
            {
                ChannelScale = channelScale, RedBias = redBias, GreenBias = greenBias, BlueBias = blueBias, GrayBias = grayBias,
            },
        });
        return this;
    }

    /// <summary>
    /// Makes the model a classifier with string labels. <paramref name="probabilitiesOutput"/> is the output of the
    /// layer giving the class probabilities (usually a softmax); both outputs are added to the description.
    /// </summary>
    public NeuralNetworkModelBuilder Classifier(IEnumerable<string> labels, string probabilitiesOutput, string labelOutput = "classLabel")
    {
        _stringLabels = new StringVector();
        _stringLabels.Vector.AddRange(labels);
        _intLabels = null;
        return ClassifierOutputs(probabilitiesOutput, labelOutput, FeatureTypes.String(), FeatureTypes.StringToDoubleDictionary());
    }

    public NeuralNetworkModelBuilder Classifier(IEnumerable<long> labels, string probabilitiesOutput, string labelOutput = "classLabel")
    {
        _intLabels = new Int64Vector();
        _intLabels.Vector.AddRange(labels);
        _stringLabels = null;
        return ClassifierOutputs(probabilitiesOutput, labelOutput, FeatureTypes.Int64(), FeatureTypes.Int64ToDoubleDictionary());
    }

    /// <summary>Names the layer whose output holds the probabilities (empty: the last layer).</summary>
    public NeuralNetworkModelBuilder LabelProbabilityLayer(string layerName)
    {
        _labelProbabilityLayerName = layerName;
        return this;
    }

    public NeuralNetworkModelBuilder Metadata(string author = "", string shortDescription = "", string version = "", string license = "")
    {
        _description.Metadata ??= new Schema.Metadata();
        _description.Metadata.Author = author;
        _description.Metadata.ShortDescription = shortDescription;
        _description.Metadata.VersionString = version;
        _description.Metadata.License = license;
        return this;
    }

    public NeuralNetworkModelBuilder UserMetadata(string key, string value)
    {
        _description.Metadata ??= new Schema.Metadata();
        _description.Metadata.UserDefined[key] = value;
        return this;
    }

    /// <summary>The model message; each call returns a fresh copy.</summary>
    public Model Build()
    {
        var model = new Model { SpecificationVersion = _specificationVersion, Description = _description.Clone() };
        var layers = Layers.Select(l => l.Clone());
        var preprocessing = _preprocessing.Select(p => p.Clone());
        if (_stringLabels is null && _intLabels is null)
        {
            var nn = new NeuralNetwork { ArrayInputShapeMapping = _arrayMapping, ImageInputShapeMapping = _imageMapping };
            nn.Layers.AddRange(layers);
            nn.Preprocessing.AddRange(preprocessing);
            model.NeuralNetwork = nn;
        }
        else
        {
            var nn = new NeuralNetworkClassifier
            {
                ArrayInputShapeMapping = _arrayMapping, ImageInputShapeMapping = _imageMapping,
                LabelProbabilityLayerName = _labelProbabilityLayerName,
            };
            nn.Layers.AddRange(layers);
            nn.Preprocessing.AddRange(preprocessing);
            if (_stringLabels is not null) nn.StringClassLabels = _stringLabels.Clone();
            else nn.Int64ClassLabels = _intLabels!.Clone();
            model.NeuralNetworkClassifier = nn;
        }
        return model;
    }

    /// <summary>The serialized model, exactly the bytes <see cref="Write"/> puts in the file.</summary>
    public byte[] ToBytes() => Build().ToByteArray();

    /// <summary>Writes the model atomically; <paramref name="protectedPaths"/> are inputs it must not replace.</summary>
    public void Write(string path, IEnumerable<string>? protectedPaths = null)
    {
        var model = Build();
        AtomicFile.Write(path, model.WriteTo, protectedPaths);
    }

    private NeuralNetworkModelBuilder ClassifierOutputs(string probabilitiesOutput, string labelOutput, FeatureType labelType, FeatureType probabilitiesType)
    {
        RemoveOutput(probabilitiesOutput);
        RemoveOutput(labelOutput);
        Output(probabilitiesOutput, probabilitiesType);
        Output(labelOutput, labelType);
        _description.PredictedFeatureName = labelOutput;
        _description.PredictedProbabilitiesName = probabilitiesOutput;
        return this;
    }

    private void RemoveOutput(string name)
    {
        for (var i = _description.Output.Count - 1; i >= 0; i--)
            if (_description.Output[i].Name == name) _description.Output.RemoveAt(i);
    }
}
