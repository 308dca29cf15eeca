using AneCompat.Graph;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Decoders.Compiled;

/// <summary>
/// Compiled ML programs end to end. These need the model.mil text decoder (written on another branch): they fail with
/// its NotImplementedException until both branches are merged.
/// </summary>
public class CompiledMlProgramTests
{
    public static IEnumerable<object[]> Keys() => CompiledEspressoAndPipelineTests.MlProgramKeys();

    [CorpusTheory]
    [MemberData(nameof(Keys))]
    public void Op_counts_by_source_equal_expected_ops(string key)
    {
        var graph = ModelReader.Read(Corpus.Path(key));
        Assert.Equal(Corpus.Expected[key].Ops.OrderBy(kv => kv.Key), graph.CountBySource().OrderBy(kv => kv.Key));
        Assert.Equal("mlProgram", graph.Root.ModelType);
        Assert.Equal(ModelFamily.MlProgram, graph.Root.Family);
        Assert.DoesNotContain(graph.Warnings, w => w.Code == "metadata-json-missing");
    }

    [CorpusTheory]
    [MemberData(nameof(Keys))]
    public void Interface_agrees_with_metadata_json_and_the_program_signature(string key)
    {
        var dir = Corpus.Path(key);
        var graph = ModelReader.Read(dir);
        Assert.Equal(SideFiles.Schema(dir, "inputSchema").Select(s => s.Name), graph.Root.Interface.Inputs.Select(f => f.Name));
        Assert.Equal(SideFiles.Schema(dir, "outputSchema").Select(s => s.Name), graph.Root.Interface.Outputs.Select(f => f.Name));
        var main = graph.Root.Functions.Single(f => f.Name == "main");
        Assert.Equal(graph.Root.Interface.Inputs.Select(f => f.Name), main.Inputs.Select(v => v.Name));
        Assert.Contains("Float16", graph.Root.Properties["computePrecision"]);
    }

    [CorpusFact]
    public void Missing_metadata_json_is_a_warning()
    {
        using var model = TempModel.CopyOf("coremltools-add-model-mlmodelc/add_model.mlmodelc");
        File.Delete(model.PathOf("metadata.json"));
        var graph = ModelReader.Read(model.Dir);
        Assert.Contains(graph.Warnings, w => w.Code == "metadata-json-missing");
        Assert.Equal(new[] { "x", "y" }, graph.Root.Interface.Inputs.Select(f => f.Name));
    }
}
