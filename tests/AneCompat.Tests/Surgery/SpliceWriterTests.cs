using AneCompat.Schema;
using AneCompat.Tests.Support;
using AneCompat.Writing;
using Google.Protobuf;

namespace AneCompat.Tests.Surgery;

public class SpliceWriterTests
{
    [CorpusTheory]
    [InlineData("espnetv2-segmentation/espnet_640_480_with_metadata.mlmodel")]
    [InlineData("blazeface-nms-pipeline/blazeface_pipeline.mlmodel")]
    [InlineData("mnist-updatable/newcoreml.mlmodel")]
    public void A_rewrite_without_edits_reproduces_the_file_byte_for_byte(string key)
    {
        using var model = RewritableModel.Open(Corpus.Path(key));
        // Touch the edit tree (members, network) without changing anything: the bytes must still be the original's.
        foreach (var site in model.Root.SelfAndDescendants())
            if (site.Layers is not null) _ = site.LayerFields;
        var output = new MemoryStream();
        SpliceWriter.Write(model.Index, model.RootEdit, output);
        Assert.Equal(File.ReadAllBytes(Corpus.Path(key)), output.ToArray());
    }

    [CorpusFact]
    public void Editing_one_layer_keeps_every_other_byte_and_streams_weights_back()
    {
        var path = Corpus.Path("espnetv2-segmentation/espnet_640_480_with_metadata.mlmodel");
        using var model = RewritableModel.Open(path);
        // The structure read for planning has no payloads ...
        var elided = model.Root.Layers!.First(l => l.LayerCase == NeuralNetworkLayer.LayerOneofCase.Convolution);
        Assert.Empty(elided.Convolution.Weights.FloatValue);
        Assert.True(elided.Convolution.Weights.AnecompatElidedBytes > 0);
        // ... and the layer a rewrite edits is read whole from the file.
        var index = model.Root.Layers!.ToList().IndexOf(elided);
        var full = model.Root.ReadLayer(index);
        Assert.True(full.Convolution.Weights.FloatValue.Count > 0 || full.Convolution.Weights.Float16Value.Length > 0);
        Assert.Equal(0UL, full.Convolution.Weights.AnecompatElidedBytes);
        var renamed = full.Clone();
        renamed.Name += "_renamed";
        model.Root.ReplaceLayer(index, [renamed]);
        var output = new MemoryStream();
        SpliceWriter.Write(model.Index, model.RootEdit, output);
        Assert.Equal(SpliceWriter.Size(model.RootEdit), output.Length);

        var before = FixTestSupport.ReadWhole(path);
        var after = Model.Parser.ParseFrom(output.ToArray());
        FixTestSupport.AssertNoInternalFields(after);
        var oldLayers = FixTestSupport.Layers(before);
        var newLayers = FixTestSupport.Layers(after);
        Assert.Equal(oldLayers.Count, newLayers.Count);
        for (var i = 0; i < oldLayers.Count; i++)
        {
            if (i == index) { Assert.Equal(renamed.ToByteArray(), newLayers[i].ToByteArray()); continue; }
            Assert.Equal(oldLayers[i].ToByteArray(), newLayers[i].ToByteArray());
        }
        // Everything outside the network (description, metadata, unknown fields) is unchanged.
        before.NeuralNetwork = null;
        after.NeuralNetwork = null;
        Assert.Equal(before.ToByteArray(), after.ToByteArray());
    }
}
