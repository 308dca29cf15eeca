using AneCompat.Containers;
using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Writing;

/// <summary>
/// A model read for rewriting: the structure without weight payloads (<see cref="Spec"/>, as the eliding reader
/// gives it, for planning) beside a wire-level index of the original file, so that edits are spliced into the
/// original bytes and every payload is streamed back from the file when the new one is written. Nothing of the
/// in-memory structure (including the eliding reader's internal fields) is ever serialized: edited messages are
/// re-read whole from the original bytes and re-encoded.
/// </summary>
public sealed class RewritableModel : IDisposable
{
    /// <summary>An edited message is read whole; larger ones (a layer with huge inline weights) are refused.</summary>
    public const long MaxEditedMessageBytes = 512L * 1024 * 1024;

    private RewritableModel(ModelSource source, Model spec, WireIndex index)
    {
        Source = source;
        Spec = spec;
        Index = index;
        RootEdit = new MessageEdit(index.Root);
        Root = new ModelSite(this, "", spec, index.Root, RootEdit) { SpecificationVersion = spec.SpecificationVersion };
    }

    public ModelSource Source { get; }

    /// <summary>The model without weight payloads (never to be written).</summary>
    public Model Spec { get; }

    public WireIndex Index { get; }
    public MessageEdit RootEdit { get; }

    /// <summary>Blobs added to the package's weight files (written with the package).</summary>
    public WeightFileAppends WeightAppends { get; } = new();
    public ModelSite Root { get; }

    public static RewritableModel Open(string path)
    {
        var source = ModelLocator.Locate(path);
        if (source.Container == ContainerKind.MlModelC || source.SpecFile is null)
            throw new NotSupportedException("compiled .mlmodelc");
        var spec = WeightElidingReader.Read(source.SpecFile);
        return new RewritableModel(source, spec, new WireIndex(source.SpecFile));
    }

    /// <summary>Parses the value of <paramref name="field"/> from the original bytes, payloads included.</summary>
    public T ReadMessage<T>(WireField field, MessageParser<T> parser) where T : IMessage<T>
    {
        var bytes = Index.ReadValue(field, MaxEditedMessageBytes);
        var input = CodedInputStream.CreateWithLimits(new MemoryStream(bytes), bytes.Length + 1, Limits.MaxProtobufDepth);
        return parser.ParseFrom(input);
    }

    /// <summary>Writes the rewritten model to <paramref name="outputPath"/> atomically (a file, or a new package folder).</summary>
    public void Write(string outputPath, IEnumerable<string> protectedPaths)
    {
        var protect = protectedPaths.Append(Source.Path).ToList();
        if (Source.Container == ContainerKind.MlPackage)
            PackageRewriter.Write(Source, outputPath, s => SpliceWriter.Write(Index, RootEdit, s), protect, WeightAppends.Writers());
        else if (!WeightAppends.IsEmpty)
            throw new InvalidOperationException("new weight blobs can only be written into an .mlpackage");
        else
            Output.AtomicFile.Write(outputPath, s => SpliceWriter.Write(Index, RootEdit, s), protect);
    }

    public void Dispose() => Index.Dispose();
}

/// <summary>One model of the file (the root, or a pipeline member) with its wire position and edit.</summary>
public sealed class ModelSite
{
    private readonly RewritableModel _owner;
    private List<ModelSite>? _members;

    internal ModelSite(RewritableModel owner, string path, Model spec, WireMessage wire, MessageEdit edit)
    {
        _owner = owner;
        Path = path;
        Spec = spec;
        Wire = wire;
        Edit = edit;
    }

    /// <summary>Member path as the graph names it: empty for the root, <c>models[1]</c>, <c>models[0]/models[2]</c>.</summary>
    public string Path { get; }
    public Model Spec { get; }
    public WireMessage Wire { get; }
    public MessageEdit Edit { get; }

    /// <summary>Pipeline members (empty for other models).</summary>
    public IReadOnlyList<ModelSite> Members => _members ??= FindMembers();

    public IEnumerable<ModelSite> SelfAndDescendants() => Members.SelectMany(m => m.SelfAndDescendants()).Prepend(this);

    /// <summary>The NeuralNetwork container field (neuralNetwork, classifier or regressor), if this is one.</summary>
    public WireField? NetworkField => Spec.TypeCase switch
    {
        Model.TypeOneofCase.NeuralNetwork => Wire.Single(Model.NeuralNetworkFieldNumber, _owner.Source.Path),
        Model.TypeOneofCase.NeuralNetworkClassifier => Wire.Single(Model.NeuralNetworkClassifierFieldNumber, _owner.Source.Path),
        Model.TypeOneofCase.NeuralNetworkRegressor => Wire.Single(Model.NeuralNetworkRegressorFieldNumber, _owner.Source.Path),
        _ => null,
    };

    /// <summary>The network's layers (structure only) in file order, or null when this is not a NeuralNetwork.</summary>
    public IReadOnlyList<NeuralNetworkLayer>? Layers => Spec.TypeCase switch
    {
        Model.TypeOneofCase.NeuralNetwork => Spec.NeuralNetwork.Layers,
        Model.TypeOneofCase.NeuralNetworkClassifier => Spec.NeuralNetworkClassifier.Layers,
        Model.TypeOneofCase.NeuralNetworkRegressor => Spec.NeuralNetworkRegressor.Layers,
        _ => null,
    };

    private MessageEdit? _networkEdit;

    /// <summary>The edit of the network message (created on first use).</summary>
    public MessageEdit NetworkEdit => _networkEdit ??= Edit.Child(NetworkField ?? throw new InvalidOperationException("not a NeuralNetwork"), _owner.Index);

    /// <summary>The wire fields of the layers, in the same order as <see cref="Layers"/>.</summary>
    public IReadOnlyList<WireField> LayerFields => NetworkEdit.Message.All(1).ToList();

    /// <summary>Layer <paramref name="i"/> read whole (weights included) from the original file.</summary>
    public NeuralNetworkLayer ReadLayer(int i) => _owner.ReadMessage(LayerFields[i], NeuralNetworkLayer.Parser);

    /// <summary>Replaces layer <paramref name="i"/> by <paramref name="replacement"/> (none deletes it).</summary>
    public void ReplaceLayer(int i, IEnumerable<NeuralNetworkLayer> replacement) =>
        NetworkEdit.Replace(LayerFields[i], replacement.Select(l => SpliceChunk.Field(1, Clean(l))).ToArray());

    private MessageEdit? _descriptionEdit;
    public MessageEdit DescriptionEdit => _descriptionEdit ??= Edit.Child(
        Wire.Single(Model.DescriptionFieldNumber, _owner.Source.Path) ?? throw new InvalidOperationException("model has no description"), _owner.Index);

    /// <summary>Replaces the model input named <paramref name="name"/> by <paramref name="replacement"/> (read whole first with <see cref="ReadInput"/>).</summary>
    public void ReplaceInput(string name, FeatureDescription replacement) =>
        DescriptionEdit.Replace(DescriptionField(ModelDescription.InputFieldNumber, name), SpliceChunk.Field(ModelDescription.InputFieldNumber, replacement));

    public void ReplaceOutput(string name, FeatureDescription replacement) =>
        DescriptionEdit.Replace(DescriptionField(ModelDescription.OutputFieldNumber, name), SpliceChunk.Field(ModelDescription.OutputFieldNumber, replacement));

    public FeatureDescription ReadInput(string name) => _owner.ReadMessage(DescriptionField(ModelDescription.InputFieldNumber, name), FeatureDescription.Parser);
    public FeatureDescription ReadOutput(string name) => _owner.ReadMessage(DescriptionField(ModelDescription.OutputFieldNumber, name), FeatureDescription.Parser);

    private WireField DescriptionField(int number, string name)
    {
        foreach (var f in DescriptionEdit.Message.All(number))
            if (_owner.ReadMessage(f, FeatureDescription.Parser).Name == name) return f;
        throw new InvalidOperationException($"no feature '{name}' in the description");
    }

    /// <summary>The wire site of an ML program's function (null when absent).</summary>
    public ProgramSite? Program(string function, string opset)
    {
        // One site per function, so successive rewrites of the same program see each other's edits.
        if (!_programs.TryGetValue((function, opset), out var site))
            _programs[(function, opset)] = site = ProgramSite.Find(_owner, this, function, opset);
        return site;
    }

    private readonly Dictionary<(string, string), ProgramSite?> _programs = new();

    /// <summary>The folder <c>@model_path</c> stands for in this model's weight references.</summary>
    public string ModelPathRoot => _owner.Source.ModelPathRoot;

    /// <summary>fp16 blobs appended to the package's weight files by rewrites.</summary>
    public WeightFileAppends WeightAppends => _owner.WeightAppends;

    /// <summary>Sets specificationVersion (the caller never lowers it).</summary>
    public void SetSpecificationVersion(int version)
    {
        var field = Wire.Single(Model.SpecificationVersionFieldNumber, _owner.Source.Path);
        var chunk = SpliceChunk.VarintField(Model.SpecificationVersionFieldNumber, (ulong)version);
        if (field is null) Edit.Prepended.Add(chunk);
        else Edit.Replace(field, chunk);
    }

    /// <summary>The spec version this model will be written with.</summary>
    public int SpecificationVersion { get; internal set; }

    /// <summary>A copy with every ANECompat-internal field cleared, so nothing of ours reaches a file.</summary>
    internal static NeuralNetworkLayer Clean(NeuralNetworkLayer layer)
    {
        var copy = layer.Clone();
        InternalFields.Clear(copy);
        return copy;
    }

    private List<ModelSite> FindMembers()
    {
        var list = new List<ModelSite>();
        (int container, Pipeline? pipeline) = Spec.TypeCase switch
        {
            Model.TypeOneofCase.Pipeline => (Model.PipelineFieldNumber, Spec.Pipeline),
            Model.TypeOneofCase.PipelineClassifier => (Model.PipelineClassifierFieldNumber, Spec.PipelineClassifier.Pipeline),
            Model.TypeOneofCase.PipelineRegressor => (Model.PipelineRegressorFieldNumber, Spec.PipelineRegressor.Pipeline),
            _ => (0, null),
        };
        if (pipeline is null) return list;
        var containerField = Wire.Single(container, _owner.Source.Path)!;
        var edit = Edit.Child(containerField, _owner.Index);
        if (container != Model.PipelineFieldNumber)
        {
            var inner = edit.Message.Single(1, _owner.Source.Path);
            if (inner is null) return list;
            edit = edit.Child(inner, _owner.Index);
        }
        var fields = edit.Message.All(Pipeline.ModelsFieldNumber).ToList();
        for (var i = 0; i < fields.Count && i < pipeline.Models.Count; i++)
        {
            var childPath = Path.Length == 0 ? $"models[{i}]" : $"{Path}/models[{i}]";
            var childEdit = edit.Child(fields[i], _owner.Index);
            list.Add(new ModelSite(_owner, childPath, pipeline.Models[i], childEdit.Message, childEdit) { SpecificationVersion = pipeline.Models[i].SpecificationVersion });
        }
        return list;
    }
}

/// <summary>ANECompat-internal schema fields that must never be written to a file.</summary>
internal static class InternalFields
{
    public static void Clear(IMessage message)
    {
        if (message is WeightParams w)
        {
            w.AnecompatElidedBytes = 0;
            w.AnecompatElidedField = 0;
        }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != Google.Protobuf.Reflection.FieldType.Message) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsMap) continue;
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IEnumerable)value)
                    if (item is IMessage m) Clear(m);
            }
            else if (value is IMessage m && field.Accessor.HasValue(message))
            {
                Clear(m);
            }
        }
    }
}
