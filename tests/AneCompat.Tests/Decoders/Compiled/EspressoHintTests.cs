using AneCompat.Graph;

namespace AneCompat.Tests.Decoders.Compiled;

/// <summary>A small hand-written espresso net: scheduling hints, kind mapping and shape ranks surface in the graph.</summary>
public class EspressoHintTests
{
    private const string Net = """
    {
      "storage": "model.espresso.weights", "format_version": 200,
      "layers": [
        { "type": "reshape", "name": "r", "bottom": "in", "top": "r_out", "hint_fallback_from_ane": 1 },
        { "type": "elementwise", "name": "sum", "bottom": "r_out,in", "top": "sum_out", "operation": 0, "hint_fallback_from_metal": 1 },
        { "type": "pool", "name": "p", "bottom": "sum_out", "top": "p_out", "avg_or_max": 1, "size_x": 2, "size_y": 3, "stride_x": 2, "stride_y": 2, "is_global": 0 },
        { "type": "activation", "name": "a", "bottom": "p_out", "top": "a_out", "mode": 77, "hint_fallback_from_cpu": 1 },
        { "type": "inner_product", "name": "fc", "bottom": "a_out", "top": "out", "nB": 8, "nC": 4, "has_relu": 1,
          "blob_weights": 3, "weights": { "W_U8": 5, "per_ch_qscale": 7 }, "attributes": { "is_output": 1 } }
      ]
    }
    """;

    private const string Shapes = """
    { "layer_shapes": {
        "in": { "n": 1, "k": 4, "h": 25, "w": 128, "_rank": 3 },
        "r_out": { "n": 1, "k": 4, "h": 25, "w": 128, "_rank": 3 },
        "sum_out": { "n": 1, "k": 4, "h": 25, "w": 128, "_rank": 3 },
        "p_out": { "n": 4, "k": 8, "h": 1, "w": 1, "seq": 25, "_rank": 5 },
        "a_out": { "n": 1, "k": 8, "h": 1, "w": 1 },
        "out": { "n": 1, "k": 4, "h": 1, "w": 1, "_rank": 4 } } }
    """;

    [Fact]
    public void Hints_kinds_shapes_and_weights_surface()
    {
        using var model = TempModel.Empty();
        File.WriteAllText(model.PathOf("model.espresso.net"), Net);
        File.WriteAllText(model.PathOf("model.espresso.shape"), Shapes);
        // Weights table: 3 blobs (id 3: 100 bytes, id 5: 32 bytes, id 7: 16 bytes), payloads follow.
        using (var w = new BinaryWriter(File.Create(model.PathOf("model.espresso.weights"))))
        {
            w.Write(3UL);
            foreach (var (id, size) in new[] { (3UL, 100UL), (5UL, 32UL), (7UL, 16UL) }) { w.Write(id); w.Write(size); }
            w.Write(new byte[148]);
        }

        var graph = ModelReader.Read(model.Dir);
        var ops = graph.AllOps().ToDictionary(o => o.Name!);

        Assert.True(ops["r"].AttrBool(Attr.HintFallbackFromAne));
        Assert.False(ops["r"].AttrBool(Attr.HintFallbackFromMetal));
        Assert.True(ops["sum"].AttrBool(Attr.HintFallbackFromMetal));
        Assert.True(ops["a"].AttrBool(Attr.HintFallbackFromCpu));
        Assert.Equal(new[] { "r" }, graph.AllOps().Where(o => o.AttrBool(Attr.HintFallbackFromAne)).Select(o => o.Name));

        Assert.Equal("add", ops["sum"].Kind);
        Assert.Equal(new[] { "r_out", "in" }, ops["sum"].AllArguments.Select(a => a.Name));
        Assert.Equal("max_pool", ops["p"].Kind);
        Assert.Equal(new long[] { 3, 2 }, ops["p"].AttrLongs(Attr.Kernel));
        Assert.False(ops["p"].AttrBool(Attr.Global));
        Assert.Equal("activation", ops["a"].Kind);
        Assert.Equal("77", ops["a"].Attr<string>(Attr.SubType));
        Assert.Equal("linear", ops["fc"].Kind);
        Assert.Equal("relu", ops["fc"].Attr<string>(Attr.FusedActivation));
        Assert.Equal("per_channel", ops["fc"].Attr<string>(Attr.Quantization));
        Assert.Equal(100 + 32 + 16, ops["fc"].WeightBytes);

        Assert.Equal(TensorShape.Of(4, 25, 128), ops["r"].Outputs[0].Type.Shape);
        Assert.Equal(TensorShape.Of(25, 4, 8, 1, 1), ops["p"].Outputs[0].Type.Shape);
        Assert.Equal(TensorShape.Of(1, 8, 1, 1), ops["a"].Outputs[0].Type.Shape);

        var main = graph.Root.Functions.Single();
        Assert.Equal(new[] { "in" }, main.Inputs.Select(v => v.Name));
        Assert.Equal(new[] { "out" }, main.Outputs);
        Assert.Contains(graph.Warnings, w => w.Code == "coremldata-missing");
    }
}
