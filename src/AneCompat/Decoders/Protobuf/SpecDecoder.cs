using AneCompat.Containers;
using AneCompat.Decoders.Blobs;
using AneCompat.Decoders.MilProgram;
using AneCompat.Decoders.NeuralNetwork;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Decodes a protobuf Core ML model (an .mlmodel, or an .mlpackage's root model) into a graph: every Model.Type
/// member is recognised, pipelines are recursed (nested too), NeuralNetwork and ML program bodies are handed to
/// their decoders, classical models become op-less nodes.
/// </summary>
public static class SpecDecoder
{
    public static ModelGraph Read(ModelSource source)
    {
        var warnings = new List<ReadWarning>();
        var model = WeightElidingReader.Read(source.SpecFile!);
        using var blobs = new MilBlobReader(source.ModelPathRoot, warnings);
        var context = new Context(source.SpecFile!, blobs, warnings);
        var root = DecodeModel(model, "", null, 0, context);
        var graph = new ModelGraph { SourcePath = source.Path, Container = source.Container, Root = root };
        graph.Warnings.AddRange(warnings);
        DescriptionDecoder.CopyMetadata(model.Description, graph.Metadata);
        graph.AssignIndices();
        return graph;
    }

    private sealed record Context(string File, MilBlobReader Blobs, List<ReadWarning> Warnings)
    {
        public int Ops;
    }

    /// <summary>The Model.Type member name as the format spells it (<c>neuralNetworkClassifier</c>, …).</summary>
    public static string TypeName(Model model) =>
        model.TypeCase == Model.TypeOneofCase.None ? "none" : SchemaTables.OneofMember("Model.Type", (int)model.TypeCase)!;

    public static ModelFamily FamilyOf(Model.TypeOneofCase type) => type switch
    {
        Model.TypeOneofCase.NeuralNetwork or Model.TypeOneofCase.NeuralNetworkClassifier or Model.TypeOneofCase.NeuralNetworkRegressor => ModelFamily.NeuralNetwork,
        Model.TypeOneofCase.MlProgram => ModelFamily.MlProgram,
        Model.TypeOneofCase.Pipeline or Model.TypeOneofCase.PipelineClassifier or Model.TypeOneofCase.PipelineRegressor => ModelFamily.Pipeline,
        Model.TypeOneofCase.TextClassifier or Model.TypeOneofCase.WordTagger or Model.TypeOneofCase.VisionFeaturePrint
            or Model.TypeOneofCase.SoundAnalysisPreprocessing or Model.TypeOneofCase.Gazetteer or Model.TypeOneofCase.WordEmbedding
            or Model.TypeOneofCase.AudioFeaturePrint => ModelFamily.AppleProvided,
        Model.TypeOneofCase.CustomModel => ModelFamily.CustomModel,
        Model.TypeOneofCase.LinkedModel => ModelFamily.LinkedModel,
        Model.TypeOneofCase.SerializedModel => ModelFamily.Serialized,
        Model.TypeOneofCase.None => ModelFamily.Unknown,
        _ => ModelFamily.Classical,
    };

    private static ModelNode DecodeModel(Model model, string path, string? name, int depth, Context ctx)
    {
        if (depth > Limits.MaxPipelineDepth)
            throw new ModelReadException(ctx.File, $"pipelines nested deeper than {Limits.MaxPipelineDepth} levels");
        var family = FamilyOf(model.TypeCase);
        if (model.TypeCase == Model.TypeOneofCase.None && depth == 0)
            throw new ModelReadException(ctx.File, "the model has no type (no network, program, pipeline or classical model): not a Core ML model, or an unknown newer one");
        var node = new ModelNode
        {
            Path = path,
            Name = name,
            ModelType = TypeName(model),
            Family = family,
            SpecificationVersion = model.SpecificationVersion,
            IsUpdatable = model.IsUpdatable,
            Interface = DescriptionDecoder.Decode(model.Description),
        };
        switch (family)
        {
            case ModelFamily.Pipeline:
                DecodePipeline(model, node, depth, ctx);
                break;
            case ModelFamily.NeuralNetwork:
                var parts = NeuralNetworkParts.From(model)!;
                node.Functions.Add(NeuralNetworkDecoder.Decode(parts, node.Interface, node.FunctionPrefix, ctx.Warnings, ctx.File));
                break;
            case ModelFamily.MlProgram:
                if (model.MlProgram.Functions.Count > Limits.MaxFunctions)
                    throw new ModelReadException(ctx.File, $"ML program has {model.MlProgram.Functions.Count} functions, over the limit of {Limits.MaxFunctions}");
                node.Functions.AddRange(MilProgramDecoder.Decode(model.MlProgram, ctx.Blobs, ctx.Warnings, node.FunctionPrefix, ctx.File));
                if (model.MlProgram.Version != 0) node.Properties["programVersion"] = model.MlProgram.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case ModelFamily.Serialized:
                node.Properties["identifier"] = model.SerializedModel.Identifier;
                break;
            case ModelFamily.CustomModel:
                node.Properties["className"] = model.CustomModel.ClassName;
                break;
        }
        ctx.Ops += node.Functions.Sum(f => CountOps(f.Body));
        if (ctx.Ops > Limits.MaxOps)
            throw new ModelReadException(ctx.File, $"more than {Limits.MaxOps} ops");
        return node;
    }

    private static void DecodePipeline(Model model, ModelNode node, int depth, Context ctx)
    {
        var pipeline = model.TypeCase switch
        {
            Model.TypeOneofCase.PipelineClassifier => model.PipelineClassifier.Pipeline,
            Model.TypeOneofCase.PipelineRegressor => model.PipelineRegressor.Pipeline,
            _ => model.Pipeline,
        } ?? new Pipeline();
        if (pipeline.Models.Count > Limits.MaxPipelineMembers)
            throw new ModelReadException(ctx.File, $"pipeline has {pipeline.Models.Count} members, over the limit of {Limits.MaxPipelineMembers}");
        for (var i = 0; i < pipeline.Models.Count; i++)
        {
            var childPath = node.FunctionPrefix + $"models[{i}]";
            var childName = i < pipeline.Names.Count && pipeline.Names[i].Length > 0 ? pipeline.Names[i] : null;
            node.Children.Add(DecodeModel(pipeline.Models[i], childPath, childName, depth + 1, ctx));
        }
    }

    private static int CountOps(Block block) => block.Ops.Sum(o => 1 + o.Blocks.Sum(CountOps));
}
