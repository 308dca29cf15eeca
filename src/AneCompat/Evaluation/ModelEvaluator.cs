using AneCompat.Containers;
using AneCompat.Diagnostics;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Evaluation;

/// <summary>A model specification with the folder its ML program weights live in (<c>@model_path</c>).</summary>
public sealed record LoadedModel(Model Spec, string? ModelPathRoot, string Path)
{
    /// <summary>Reads an <c>.mlmodel</c> or <c>.mlpackage</c> in full (NeuralNetwork weights included; ML program
    /// weights stay in their blob file and are read per evaluated const). Compiled models are not covered.</summary>
    public static LoadedModel Read(string path)
    {
        var source = ModelLocator.Locate(path);
        if (source.SpecFile is null) throw new NotCoveredException("compiled model (.mlmodelc)");
        using var file = ModelFiles.OpenRead(source.SpecFile);
        var input = CodedInputStream.CreateWithLimits(file, int.MaxValue, Limits.MaxProtobufDepth);
        return new LoadedModel(Model.Parser.ParseFrom(input), source.ModelPathRoot, source.Path);
    }
}

/// <summary>
/// Runs a whole model on feature values — NeuralNetwork (plain, classifier, regressor), single-function ML
/// programs, and pipelines of them chained by feature name — and returns every output feature. Inputs and outputs
/// are tensors in the shapes the model description declares (images as [C, H, W] pixel values).
/// </summary>
public sealed class ModelEvaluator
{
    private readonly EvaluationOptions _options;

    public ModelEvaluator(EvaluationOptions? options = null) => _options = options ?? EvaluationOptions.Default;

    public IReadOnlyDictionary<string, Tensor> Evaluate(LoadedModel model, IReadOnlyDictionary<string, Tensor> inputs) =>
        Evaluate(model.Spec, model.ModelPathRoot, inputs);

    public IReadOnlyDictionary<string, Tensor> Evaluate(Model model, string? modelPathRoot, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        switch (model.TypeCase)
        {
            case Model.TypeOneofCase.NeuralNetwork:
            {
                var nn = model.NeuralNetwork;
                return RunNeuralNetwork(model.Description, nn.Layers, nn.Preprocessing, nn.ArrayInputShapeMapping, inputs, null);
            }
            case Model.TypeOneofCase.NeuralNetworkRegressor:
            {
                var nn = model.NeuralNetworkRegressor;
                return RunNeuralNetwork(model.Description, nn.Layers, nn.Preprocessing, nn.ArrayInputShapeMapping, inputs, null);
            }
            case Model.TypeOneofCase.NeuralNetworkClassifier:
            {
                var nn = model.NeuralNetworkClassifier;
                return RunNeuralNetwork(model.Description, nn.Layers, nn.Preprocessing, nn.ArrayInputShapeMapping, inputs, nn);
            }
            case Model.TypeOneofCase.MlProgram:
                return RunProgram(model, modelPathRoot, inputs);
            case Model.TypeOneofCase.Pipeline: return RunPipeline(model.Pipeline, modelPathRoot, inputs);
            case Model.TypeOneofCase.PipelineClassifier: return RunPipeline(model.PipelineClassifier.Pipeline, modelPathRoot, inputs);
            case Model.TypeOneofCase.PipelineRegressor: return RunPipeline(model.PipelineRegressor.Pipeline, modelPathRoot, inputs);
            default:
                throw new NotCoveredException(Model.Descriptor.FindFieldByNumber((int)model.TypeCase)?.Name ?? model.TypeCase.ToString());
        }
    }

    private IReadOnlyDictionary<string, Tensor> RunPipeline(Pipeline pipeline, string? root, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var features = new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
        Model? last = null;
        foreach (var member in pipeline.Models)
        {
            var memberInputs = member.Description.Input.ToDictionary(i => i.Name,
                i => features.TryGetValue(i.Name, out var t) ? t : throw new ArgumentException($"pipeline member input '{i.Name}' is neither a pipeline input nor an earlier output"),
                StringComparer.Ordinal);
            foreach (var kv in Evaluate(member, root, memberInputs)) features[kv.Key] = kv.Value;
            last = member;
        }
        return features;
    }

    private IReadOnlyDictionary<string, Tensor> RunProgram(Model model, string? root, IReadOnlyDictionary<string, Tensor> inputs)
    {
        var program = model.MlProgram;
        if (program.Functions.Count != 1) throw new NotCoveredException("multi-function ML program");
        var function = program.Functions.Values.Single();
        if (!function.BlockSpecializations.TryGetValue(function.Opset, out var block))
            throw new ArgumentException($"function has no block for its opset {function.Opset}");
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var input in function.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var t)) throw new ArgumentException($"input '{input.Name}' not given");
            var dt = input.Type.TensorType?.DataType ?? Schema.Mil.DataType.Float32;
            var type = MilConstants.TypeOf(dt);
            // An image feature arrives as [C, H, W]; the program's input is declared [1, C, H, W].
            if (input.Type.TensorType is { } declared && MilConstants.Shape(declared) is { } shape
                && !shape.SequenceEqual(t.Shape) && Tensor.ElementCount(shape) == t.Count)
                t = t.Reshape(shape);
            values[input.Name] = type == TensorElement.Float16 ? TensorMath.RoundToHalf(t, type) : t.WithType(type);
        }
        using var constants = new MilConstants(root);
        new MilEvaluator(constants, _options).Run(block.Operations, values);
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in block.Outputs)
            outputs[name] = values[name] as Tensor ?? throw new NotCoveredException($"non-tensor output '{name}'");
        return outputs;
    }

    private IReadOnlyDictionary<string, Tensor> RunNeuralNetwork(ModelDescription description, IEnumerable<NeuralNetworkLayer> layers,
        IEnumerable<NeuralNetworkPreprocessing> preprocessing, NeuralNetworkMultiArrayShapeMapping mapping,
        IReadOnlyDictionary<string, Tensor> inputs, NeuralNetworkClassifier? classifier)
    {
        var blobs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var feature in description.Input)
        {
            if (!inputs.TryGetValue(feature.Name, out var t)) throw new ArgumentException($"input '{feature.Name}' not given");
            blobs[feature.Name] = NeuralNetworkShapes.ToInternal(feature, t, mapping, preprocessing);
        }
        var layerList = layers.ToList();
        new NeuralNetworkEvaluator(_options).Run(layerList, blobs);
        var outputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var feature in description.Output)
        {
            if (blobs.TryGetValue(feature.Name, out var t)) { outputs[feature.Name] = NeuralNetworkShapes.ToExternal(feature, t, mapping); continue; }
            if (classifier is null) throw new ArgumentException($"output '{feature.Name}' is produced by no layer");
        }
        if (classifier is not null)
        {
            var probsBlob = classifier.LabelProbabilityLayerName is { Length: > 0 } n ? n : layerList[^1].Output[0];
            var probs = blobs[probsBlob];
            if (description.PredictedProbabilitiesName is { Length: > 0 } pn) outputs[pn] = probs.Reshape(new[] { probs.Count });
            if (description.PredictedFeatureName is { Length: > 0 } fn)
            {
                var best = 0;
                for (var i = 1; i < probs.Count; i++) if (probs.Data[i] > probs.Data[best]) best = i;
                outputs[fn] = new Tensor(new[] { 1 }, new[] { (float)best }, TensorElement.Int32);
            }
        }
        return outputs;
    }
}
