using AneCompat.Building;
using AneCompat.Graph;
using AneCompat.Rules;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using static AneCompat.Tests.Rules.Files.RealFile;

namespace AneCompat.Tests.Rules.Files;

/// <summary>
/// Layer-type, elementwise, dimension and chip-capability rules on real files: custom and ND layers, runtime
/// broadcasts, lookup/output/axis caps, texture ops, trig, pad modes, tile factors, and the table-asserted ops.
/// </summary>
public class LayerFileTests
{
    private static NeuralNetworkModelBuilder Net(params long[] shape) => new NeuralNetworkModelBuilder().MultiArrayInput("x", shape);

    [Fact]
    public void CustomLayer_nn()
    {
        var g = Nn(Net(8, 16, 16).Custom("swish", ["x"], ["y"], "MySwish").MultiArrayOutput("y", [8, 16, 16]));
        Assert.Equal(Effect.OpToCpu, Fires(g, "MODEL-CUSTOM", "A17Pro", "'swish'").Effect);
        Silent(Nn(Net(8, 16, 16).ReLU("relu", "x", "y").MultiArrayOutput("y", [8, 16, 16])), "MODEL-CUSTOM", "A17Pro");
    }

    [Fact]
    public void AddBroadcastableIsAnNdLayer_nn()
    {
        NeuralNetworkModelBuilder Two() => new NeuralNetworkModelBuilder().MultiArrayInput("a", [8, 16, 16]).MultiArrayInput("b", [8, 16, 16]);
        Fires(Nn(Two().AddBroadcastable("sum", ["a", "b"], "y").MultiArrayOutput("y", [8, 16, 16])), "NN-BROADCASTABLE-ND", "A17Pro", "'sum'");
        Silent(Nn(Two().Add("sum", ["a", "b"], "y").MultiArrayOutput("y", [8, 16, 16])), "NN-BROADCASTABLE-ND", "A17Pro");
    }

    [Fact]
    public void ChannelBroadcastBetweenRuntimeTensors_nn()
    {
        AneCompat.Graph.ModelGraph Mul(long bh, long bw) => Nn(new NeuralNetworkModelBuilder()
            .MultiArrayInput("a", [8, 16, 16]).MultiArrayInput("b", [8, bh, bw])
            .Multiply("scale", ["a", "b"], "y").MultiArrayOutput("y", [8, 16, 16]));
        Fires(Mul(1, 1), "EW-BCAST-CHANNEL", "A17Pro", "8×1×1");
        Silent(Mul(16, 16), "EW-BCAST-CHANNEL", "A17Pro");
    }

    [Fact]
    public void ChannelBroadcastBetweenRuntimeTensors_mlprogram()
    {
        AneCompat.Graph.ModelGraph Mul(long bh, long bw) => Program(f => f
            .Input("a", F16(1, 8, 16, 16)).Input("b", F16(1, 8, bh, bw))
            .Op("mul", new MilInputs { ["x"] = "a", ["y"] = "b" }, "y", F16(1, 8, 16, 16)).Output("y"));
        Assert.Equal(Effect.Unknown, Fires(Mul(1, 1), "EW-BCAST-CHANNEL", "A17Pro", "1×8×1×1").Effect);
        Silent(Mul(16, 16), "EW-BCAST-CHANNEL", "A17Pro");
    }

    [Theory]
    [InlineData(32768UL, false)]
    [InlineData(40000UL, true)]
    public void EmbeddingRows_nn(ulong rows, bool fires)
    {
        var g = Nn(Net(1, 1, 1).Embedding("embed", "x", "y", inputDim: rows, outputChannels: 1).MultiArrayOutput("y", [1, 1, 1]));
        if (fires) Fires(g, "DIM-LOOKUP-NB", "M1", rows.ToString());
        else Silent(g, "DIM-LOOKUP-NB", "M1");
    }

    [Theory]
    [InlineData(32768, false)]
    [InlineData(40000, true)]
    public void GatherTableRows_mlprogram(long rows, bool fires)
    {
        var g = Program(f => f
            .Input("ids", I32(1, 4))
            .ConstBlob("table", DataType.Float16, [rows, 2])
            .Op("gather", new MilInputs { ["x"] = "table", ["indices"] = "ids", ["axis"] = MilValues.Int32(0) }, "y", F16(1, 4, 2))
            .Output("y"));
        if (fires) Fires(g, "DIM-LOOKUP-NB", "M1", rows.ToString());
        else Silent(g, "DIM-LOOKUP-NB", "M1");
        // The embedding lookup itself is disputed either way; a small table indexed by a model input is the best case.
        Assert.Equal(fires ? Effect.OpToCpu : Effect.Unknown, Assert.Single(Findings(g, "GATHER", "M1")).Effect);
    }

    [Fact]
    public void EmbeddingIndexedByModelInputIsTheBestCase_nn()
    {
        var g = Nn(Net(1, 1, 1).Embedding("embed", "x", "y", inputDim: 1000, outputChannels: 4).MultiArrayOutput("y", [4, 1, 1]));
        Assert.Equal(Effect.Unknown, Fires(g, "GATHER", "M1", "'x'").Effect);
    }

    [Theory]
    [InlineData(16384UL, false)]
    [InlineData(50257UL, true)]
    public void InnerProductOutputWidth_nn(ulong width, bool fires)
    {
        var g = Nn(Net(1, 1, 1).InnerProduct("lm_head", "x", "y", inputChannels: 1, outputChannels: width, hasBias: false)
            .MultiArrayOutput("y", [(long)width, 1, 1]));
        if (fires) Fires(g, "DIM-OUTBLOB", "M1", width.ToString());
        else Silent(g, "DIM-OUTBLOB", "M1");
    }

    [Theory]
    [InlineData(16384, "M3", false)]
    [InlineData(16385, "M3", true)]
    [InlineData(16385, "M4", false)]
    public void AxisSize_nn(long width, string chip, bool fires)
    {
        var g = Nn(Net(1, 2, width).ReLU("relu", "x", "y").MultiArrayOutput("y", [1, 2, width]));
        if (fires) Fires(g, "DIM-AXIS-MAX", chip, $"W = {width}");
        else Silent(g, "DIM-AXIS-MAX", chip);
    }

    [Theory]
    [InlineData(16384, "M3", false)]
    [InlineData(16385, "M3", true)]
    [InlineData(16385, "M4", false)]
    public void AxisSize_mlprogram(long width, string chip, bool fires)
    {
        var g = Program(f => f.Input("x", F16(1, 1, 2, width)).Op("relu", new MilInputs { ["x"] = "x" }, "y", F16(1, 1, 2, width)).Output("y"));
        if (fires) Fires(g, "DIM-AXIS-MAX", chip, $"W = {width}");
        else Silent(g, "DIM-AXIS-MAX", chip);
    }

    [Fact]
    public void RankAboveFive_mlprogram()
    {
        AneCompat.Graph.ModelGraph Reshape(long[] to) => Program(f => f
            .Input("x", F16(2, 2, 2, 2, 2, 2))
            .Op("reshape", new MilInputs { ["x"] = "x", ["shape"] = MilValues.Int32s(to.Select(d => (int)d).ToArray()) }, "y", F16(to))
            .Output("y"));
        Silent(Program(f => f.Input("x", F16(2, 2, 2, 2, 4)).Op("relu", new MilInputs { ["x"] = "x" }, "y", F16(2, 2, 2, 2, 4)).Output("y")), "RANK-MAX5", "A17Pro");
        Fires(Reshape([4, 2, 2, 2, 2]), "RANK-MAX5", "A17Pro", "rank 6");
    }

    [Fact]
    public void TextureOps_nn_change_between_M1_and_M2()
    {
        var g = Nn(Net(8, 16, 16).Layer("resize", "x", "y", l => l.ResizeBilinear = new ResizeBilinearLayerParams { TargetSize = { 32UL, 32UL } })
            .MultiArrayOutput("y", [8, 32, 32]));
        Assert.Equal(Effect.Numeric, Fires(g, "RESIZE-TEXTURE", "M1", "'resize'").Effect);
        Silent(g, "RESIZE-TEXTURE", "M2");
    }

    [Theory]
    [InlineData("crop_resize")]
    [InlineData("resample")]
    public void TextureOps_mlprogram_rejected_on_M1(string kind)
    {
        var inputs = kind == "crop_resize"
            ? new MilInputs { ["x"] = "x", ["roi"] = "roi", ["target_height"] = MilValues.Int32(8), ["target_width"] = MilValues.Int32(8) }
            : new MilInputs { ["x"] = "x", ["coordinates"] = "roi" };
        var g = Program(f => f
            .Input("x", F16(1, 8, 16, 16))
            .Input("roi", kind == "crop_resize" ? F16(1, 1, 5, 1, 1) : F16(1, 8, 8, 2))
            .Op(kind, inputs, "y", kind == "crop_resize" ? F16(1, 1, 8, 8, 8) : F16(1, 8, 8, 8)).Output("y"));
        Assert.Equal(Effect.OpToCpu, Fires(g, "RESIZE-TEXTURE", "M1", "'y'").Effect);
        var onM2 = Findings(g, "RESIZE-TEXTURE", "M2");
        if (kind == "crop_resize") Assert.Equal(Effect.Unknown, Assert.Single(onM2).Effect);
        else Assert.Empty(onM2);
    }

    [Fact]
    public void Trig_nn_and_mlprogram_change_between_M2_and_M3()
    {
        var nn = Nn(Net(8, 4, 4).Layer("sine", "x", "y", l => l.Sin = new SinLayerParams()).MultiArrayOutput("y", [8, 4, 4]));
        Fires(nn, "EW-TRIG", "M2", "'sine'");
        Silent(nn, "EW-TRIG", "M3");
        var mil = Program(f => f.Input("x", F16(1, 8)).Op("cos", new MilInputs { ["x"] = "x" }, "y", F16(1, 8)).Output("y"));
        Fires(mil, "EW-TRIG", "M2", "cos");
        Silent(mil, "EW-TRIG", "M3");
    }

    [Fact]
    public void ReflectPadding_nn_changes_between_M1_and_M2()
    {
        AneCompat.Graph.ModelGraph Pad(PaddingFill fill) => Nn(Net(8, 16, 16).Padding("pad", "x", "y", 1, 1, 1, 1, fill).MultiArrayOutput("y", [8, 18, 18]));
        Fires(Pad(PaddingFill.Reflection), "PAD-MODE", "M1", "reflect");
        Silent(Pad(PaddingFill.Reflection), "PAD-MODE", "M2");
        Silent(Pad(PaddingFill.Constant), "PAD-MODE", "M1");
    }

    [Fact]
    public void ReflectPadding_mlprogram_changes_between_M1_and_M2()
    {
        AneCompat.Graph.ModelGraph Pad(string mode) => Program(f => f
            .Input("x", F16(1, 8, 16, 16))
            .Op("pad", new MilInputs { ["x"] = "x", ["pad"] = MilValues.Int32s(0, 0, 0, 0, 1, 1, 1, 1), ["mode"] = MilValues.String(mode) }, "y", F16(1, 8, 18, 18))
            .Output("y"));
        Fires(Pad("reflect"), "PAD-MODE", "M1", "reflect");
        Silent(Pad("reflect"), "PAD-MODE", "M2");
        Silent(Pad("constant"), "PAD-MODE", "M1");
    }

    [Fact]
    public void TileFactors_nn()
    {
        AneCompat.Graph.ModelGraph Tile(ulong r) => Nn(new NeuralNetworkModelBuilder().SpecificationVersion(4).ExactArrayMapping()
            .MultiArrayInput("x", [1, 8, 4, 4])
            .Layer("tile", "x", "y", l => l.Tile = new TileLayerParams { Reps = { 1UL, 1UL, r, r } })
            .MultiArrayOutput("y", [1, 8, 4 * (long)r, 4 * (long)r]));
        Silent(Tile(2), "TILE-SPACE", "A17Pro");
        Fires(Tile(5), "TILE-SPACE", "A17Pro", "5");
    }

    [Fact]
    public void TileFactors_mlprogram()
    {
        AneCompat.Graph.ModelGraph Tile(int r) => Program(f => f
            .Input("x", F16(1, 8, 4, 4))
            .Op("tile", new MilInputs { ["x"] = "x", ["reps"] = MilValues.Int32s(1, 1, r, r) }, "y", F16(1, 8, 4 * r, 4 * r)).Output("y"));
        Silent(Tile(3), "TILE-SPACE", "A17Pro");
        Fires(Tile(5), "TILE-SPACE", "A17Pro", "1×1×5×5");
    }

    /// <summary>Ops whose catalog row names a rule: the table asserts it on every file that contains them.</summary>
    [Theory]
    [InlineData("topk", "TOPK-SORT")]
    [InlineData("reduce_argmax", "ARGMAX")]
    [InlineData("cumsum", "CUMSUM")]
    [InlineData("random_uniform", "RANDOM")]
    public void TableRules_mlprogram(string kind, string rule)
    {
        var g = Program(f =>
        {
            f.Input("x", F16(1, 16));
            switch (kind)
            {
                case "topk":
                    f.Op("topk", new MilInputs { ["x"] = "x", ["k"] = MilValues.Int32(4) }, [("v", F16(1, 4)), ("i", I32(1, 4))]).Output("v", "i");
                    break;
                case "reduce_argmax":
                    f.Op("reduce_argmax", new MilInputs { ["x"] = "x", ["axis"] = MilValues.Int32(-1) }, "y", I32(1)).Output("y");
                    break;
                case "cumsum":
                    f.Op("cumsum", new MilInputs { ["x"] = "x", ["axis"] = MilValues.Int32(-1) }, "y", F16(1, 16)).Output("y");
                    break;
                default:
                    f.Op("random_uniform", new MilInputs { ["shape"] = MilValues.Int32s(1, 16) }, "r", F16(1, 16))
                        .Op("add", new MilInputs { ["x"] = "x", ["y"] = "r" }, "y", F16(1, 16)).Output("y");
                    break;
            }
        });
        Assert.NotEmpty(Findings(g, rule, "A17Pro"));
        Silent(Program(f => f.Input("x", F16(1, 16)).Op("relu", new MilInputs { ["x"] = "x" }, "y", F16(1, 16)).Output("y")), rule, "A17Pro");
    }

    [Fact]
    public void TableRules_nn()
    {
        var g = Nn(new NeuralNetworkModelBuilder().SpecificationVersion(4).ExactArrayMapping()
            .MultiArrayInput("x", [1, 16])
            .Layer("topk", ["x"], ["v", "i"], l => l.TopK = new TopKLayerParams { Axis = -1, K = 4 })
            .Layer("argmax", "x", "a", l => l.ArgMax = new ArgMaxLayerParams { Axis = -1 })
            .Layer("cumsum", "x", "c", l => l.CumSum = new CumSumLayerParams { Axis = -1 })
            .MultiArrayOutput("v", [1, 4]).MultiArrayOutput("a", [1]).MultiArrayOutput("c", [1, 16]));
        Fires(g, "TOPK-SORT", "A17Pro", "'topk'");
        Fires(g, "ARGMAX", "A17Pro", "'argmax'");
        Fires(g, "CUMSUM", "A17Pro", "'cumsum'");
    }

    [Fact]
    public void ControlFlowAndLstm_nn()
    {
        var g = Nn(new NeuralNetworkModelBuilder().SpecificationVersion(4)
            .MultiArrayInput("x", [8, 1, 1]).MultiArrayInput("cond", [1])
            .Lstm("lstm", ["x"], ["h", "h_out", "c_out"], inputSize: 8, hiddenSize: 4)
            .Branch("branch", "cond", b => b.ReLU("relu", "h", "y"), e => e.Layer("copy", "h", "y", l => l.Copy = new CopyLayerParams()))
            .MultiArrayOutput("y", [4, 1, 1]));
        Fires(g, "RNN", "A17Pro", "'lstm'");
        Fires(g, "CF", "A17Pro", "'branch'");
        Silent(Nn(Net(8, 1, 1).ReLU("relu", "x", "y").MultiArrayOutput("y", [8, 1, 1])), "CF", "A17Pro");
    }

    [Fact]
    public void ControlFlowAndNms_mlprogram()
    {
        var g = Program(f => f
            .Input("boxes", F16(1, 16, 4)).Input("scores", F16(1, 16, 2)).Input("s", F16(1))
            .Op("squeeze", new MilInputs { ["x"] = "s" }, "s0", F16())
            .Op("greater", new MilInputs { ["x"] = "s0", ["y"] = MilValues.Float32(0f) }, "p", MilTypes.Scalar(DataType.Bool))
            .Op("non_maximum_suppression", new MilInputs
            {
                ["boxes"] = "boxes", ["scores"] = "scores", ["iou_threshold"] = MilValues.Float32(0.5f),
                ["score_threshold"] = MilValues.Float32(0.1f), ["max_boxes"] = MilValues.Int32(4),
            }, [("ob", F16(1, 4, 4)), ("os", F16(1, 4, 2)), ("oi", I32(1, 4)), ("on", I32(1))])
            .Op("cond", new MilInputs { ["pred"] = "p" }, [("y", F16(1, 4, 4))], blocks:
            [
                t => t.Op("relu", new MilInputs { ["x"] = "ob" }, "t_out", F16(1, 4, 4)).Output("t_out"),
                e => e.Op("sigmoid", new MilInputs { ["x"] = "ob" }, "e_out", F16(1, 4, 4)).Output("e_out"),
            ])
            .Output("y"));
        Fires(g, "NMS", "A17Pro", "non_maximum_suppression");
        Fires(g, "CF", "A17Pro", "'y'");
    }
}
