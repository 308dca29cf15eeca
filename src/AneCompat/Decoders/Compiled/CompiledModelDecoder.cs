using AneCompat.Decoders.Espresso;
using AneCompat.Decoders.MilText;
using AneCompat.Decoders.Protobuf;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders.Compiled;

/// <summary>
/// Decodes a compiled <c>.mlmodelc</c> folder (formats.md d.1): an ML program (model.mil), a NeuralNetwork (espresso
/// files), a pipeline (model0/, model1/, … each a compiled model of its own) or a classical member (coremldata.bin only).
/// The interface comes from coremldata.bin, else from metadata.json, else from the program's own signature.
/// </summary>
public static class CompiledModelDecoder
{
    private const string CoreMLDataFile = "coremldata.bin";
    private const string MetadataFile = "metadata.json";
    private const string MilFile = "model.mil";

    /// <summary>
    /// Side records of compiled NeuralNetworks. Every observed copy (both corpus models, and generators in public
    /// projects that hand-build espresso bundles) is a zero-filled block of 32–64 bytes; their meaning is undocumented,
    /// so they are size-checked and noted, not decoded.
    /// </summary>
    private static readonly string[] NeuralNetworkSideRecords = { "model/coremldata.bin", "neural_network_optionals/coremldata.bin" };

    /// <summary>Present in updatable compiled NeuralNetworks: on-device training parameters (not relevant to inference placement).</summary>
    private const string UpdateParametersFolder = "updateParameters";

    /// <param name="dir">The .mlmodelc folder (or a pipeline member folder inside it).</param>
    /// <param name="nodePath">Pipeline path of this node ("" for the root, "models[0]" …).</param>
    public static ModelNode Decode(string dir, string nodePath, List<ReadWarning> warnings, IDictionary<string, string> metadata)
        => DecodeFolder(dir, nodePath, null, warnings, metadata, depth: 0);

    private static ModelNode DecodeFolder(string dir, string nodePath, string? name, List<ReadWarning> warnings, IDictionary<string, string> metadata, int depth)
    {
        if (depth > Limits.MaxPipelineDepth)
            throw new ModelReadException(dir, $"compiled pipelines nest deeper than {Limits.MaxPipelineDepth} levels");
        var coremlPath = Path.Combine(dir, CoreMLDataFile);
        var milPath = Path.Combine(dir, MilFile);
        var hasCoreML = ModelFiles.Exists(coremlPath);
        var hasMil = ModelFiles.Exists(milPath);
        var hasEspresso = ModelFiles.Exists(Path.Combine(dir, EspressoNetDecoder.NetFile));
        if (!hasCoreML && !hasMil && !hasEspresso)
            throw new ModelReadException(dir, "compiled model folder has none of coremldata.bin, model.mil, model.espresso.net");

        CoreMLData? data = null;
        if (hasCoreML) data = CoreMLDataDecoder.Read(coremlPath, warnings);
        else warnings.Add(new ReadWarning("coremldata-missing", $"{coremlPath} is missing: model type and interface come from the other files"));

        // Only the top folder carries metadata.json (pipeline members do not), and apps sometimes strip it.
        var metadataPath = Path.Combine(dir, MetadataFile);
        CompiledMetadata? meta = null;
        if (ModelFiles.Exists(metadataPath)) meta = CompiledMetadataDecoder.Read(metadataPath);
        else if (depth == 0) warnings.Add(new ReadWarning("metadata-json-missing", $"{metadataPath} is missing: no op histogram, precision or availability summary"));

        var (modelType, family) = TypeOf(data, meta, hasMil, hasEspresso);
        var prefix = nodePath.Length == 0 ? "" : nodePath + "/";
        var functions = new List<GraphFunction>();
        if (hasMil) functions.AddRange(MilTextDecoder.Decode(milPath, dir, warnings, prefix));
        else if (hasEspresso) functions.Add(EspressoNetDecoder.Decode(dir, warnings, prefix));
        else if (family is ModelFamily.NeuralNetwork or ModelFamily.MlProgram)
        {
            warnings.Add(new ReadWarning("compiled-body-missing", $"{dir}: coremldata.bin says {modelType}, but there is no model.mil or model.espresso.net; its ops cannot be seen"));
            family = ModelFamily.Opaque;
        }

        var iface = data?.Description is { } description ? DescriptionDecoder.Decode(description)
            : meta is not null ? meta.Interface
            : functions.Count > 0 ? InterfaceOf(functions[0])
            : new ModelInterface();

        var node = new ModelNode
        {
            Path = nodePath,
            Name = name,
            ModelType = modelType,
            Family = family,
            SpecificationVersion = data is { SpecificationVersion: > 0 } ? data.SpecificationVersion : meta?.SpecificationVersion ?? 0,
            IsUpdatable = data?.Specification?.IsUpdatable == true || meta?.IsUpdatable == true || ModelFiles.DirectoryExists(Path.Combine(dir, UpdateParametersFolder)),
            Interface = iface,
        };
        node.Functions.AddRange(functions);
        if (data is not null) node.Properties["coremldata.layout"] = $"{data.Layout} (tag \"{data.Tag}\")";
        if (meta is not null) AddMetadataProperties(node, meta);
        if (hasEspresso) NoteSideRecords(dir, node);

        if (depth == 0)
        {
            DescriptionDecoder.CopyMetadata(data?.Description, metadata);
            if (meta is not null) foreach (var kv in meta.Metadata) metadata[kv.Key] = kv.Value;
        }

        if (family == ModelFamily.Pipeline)
            node.Children.AddRange(DecodeMembers(dir, nodePath, warnings, metadata, depth));
        return node;
    }

    /// <summary>Compiled pipeline members live in model0/, model1/, … in pipeline order.</summary>
    private static IEnumerable<ModelNode> DecodeMembers(string dir, string nodePath, List<ReadWarning> warnings, IDictionary<string, string> metadata, int depth)
    {
        var members = new List<ModelNode>();
        for (var i = 0; ModelFiles.DirectoryExists(Path.Combine(dir, $"model{i}")); i++)
        {
            if (i >= Limits.MaxPipelineMembers)
                throw new ModelReadException(dir, $"compiled pipeline has more than {Limits.MaxPipelineMembers} members");
            var childPath = (nodePath.Length == 0 ? "" : nodePath + "/") + $"models[{i}]";
            members.Add(DecodeFolder(Path.Combine(dir, $"model{i}"), childPath, $"model{i}", warnings, metadata, depth + 1));
        }
        if (members.Count == 0)
            warnings.Add(new ReadWarning("pipeline-members-missing", $"{dir}: a compiled pipeline without model0/ member folders"));
        return members;
    }

    private static (string Type, ModelFamily Family) TypeOf(CoreMLData? data, CompiledMetadata? meta, bool hasMil, bool hasEspresso)
    {
        if (data is not null) return (data.ModelType, data.Family);
        if (meta?.ModelTypeName is { } m && CompiledModelTypes.TryGetByMetadataName(m, out var name, out var family)) return (name, family);
        if (hasMil) return ("mlProgram", ModelFamily.MlProgram);
        if (hasEspresso) return ("neuralNetwork", ModelFamily.NeuralNetwork);
        return ("unknown", ModelFamily.Unknown);
    }

    private static void AddMetadataProperties(ModelNode node, CompiledMetadata meta)
    {
        if (meta.ModelTypeName is { } t) node.Properties["metadata.modelType"] = t;
        if (meta.ComputePrecision is { } c) node.Properties["computePrecision"] = c;
        if (meta.StoragePrecision is { } s) node.Properties["storagePrecision"] = s;
        foreach (var (platform, version) in meta.Availability) node.Properties[$"availability.{platform}"] = version;
        if (meta.HistogramKey is { } key)
            node.Properties[key] = string.Join(", ", meta.OpHistogram.Select(kv => $"{kv.Key}={kv.Value}"));
    }

    private static void NoteSideRecords(string dir, ModelNode node)
    {
        foreach (var relative in NeuralNetworkSideRecords)
        {
            var path = Path.Combine(dir, relative);
            if (!ModelFiles.Exists(path)) continue;
            var length = ModelFiles.Length(path);
            // Never opened when empty: an empty side record (or a FIFO in its place) is just reported.
            var allZero = length == 0 || ModelFiles.ReadAllBytes(path, Limits.MaxCoreMLDataBytes, relative).All(b => b == 0);
            node.Properties[relative] = allZero ? $"{length} bytes, all zero" : $"{length} bytes (undocumented, not decoded)";
        }
        if (ModelFiles.DirectoryExists(Path.Combine(dir, UpdateParametersFolder)))
            node.Properties[UpdateParametersFolder] = "present (on-device training parameters)";
    }

    /// <summary>The interface a program's own signature implies, when neither coremldata.bin nor metadata.json describes it.</summary>
    private static ModelInterface InterfaceOf(GraphFunction function)
    {
        var iface = new ModelInterface();
        var produced = function.Body.Ops.SelectMany(o => o.Outputs).GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        foreach (var input in function.Inputs)
            (input.Type.Kind == ValueKind.State ? iface.States : iface.Inputs).Add(Feature(input.Name, input.Type));
        foreach (var output in function.Outputs)
            iface.Outputs.Add(Feature(output, produced.TryGetValue(output, out var t) ? t : Graph.ValueType.Unknown));
        return iface;
    }

    private static FeatureInfo Feature(string name, Graph.ValueType type)
    {
        var dims = type.Shape.Dims ?? Array.Empty<Dim>();
        var unknown = dims.Any(d => !d.IsKnown);
        return new FeatureInfo
        {
            Name = name,
            Kind = type.Kind == ValueKind.State ? FeatureKind.State : type.Kind == ValueKind.Tensor ? FeatureKind.MultiArray : FeatureKind.Unknown,
            Element = type.Element,
            // Unknown axes default to 1 and are listed as unbounded ranges.
            Shape = dims.Select(d => d.Size ?? 1).ToArray(),
            Flexibility = unknown ? ShapeFlexibility.Unbounded : ShapeFlexibility.Fixed,
            Ranges = unknown ? dims.Select(d => d.Size is { } s ? (s, (long?)s) : (1L, (long?)null)).ToArray() : Array.Empty<(long, long?)>(),
        };
    }
}
