using AneCompat.Building;
using AneCompat.Rules;
using AneCompat.Schema.Mil;
using static AneCompat.Tests.Rules.Files.RealFile;

namespace AneCompat.Tests.Rules.Files;

/// <summary>Flexible-input and dynamic-shape rules on real files: enumerated, range and fixed inputs; runtime shapes.</summary>
public class ShapeFileTests
{
    private static readonly long[] Default = [1, 8, 16];

    /// <summary>x [1, 8, 16] (described as given) → layer_norm over the last axis → y.</summary>
    private static AneCompat.Graph.ModelGraph LayerNorm(AneCompat.Schema.FeatureType? x, AneCompat.Schema.FeatureType? extra = null) => Program(f =>
    {
        f.Input("x", F16(Default));
        if (x is not null) f.Describe("x", x);
        if (extra is not null) f.Input("z", F16(1, 4)).Describe("z", extra);
        f.Op("layer_norm", new MilInputs { ["x"] = "x", ["axes"] = MilValues.Int32s(-1), ["epsilon"] = MilValues.Float32(1e-5f) }, "y", F16(Default))
            .Output("y");
        if (extra is not null) f.Op("relu", new MilInputs { ["x"] = "z" }, "zz", F16(1, 4)).Output("zz");
    });

    private static AneCompat.Schema.FeatureType Enumerated() =>
        FeatureTypes.MultiArrayEnumerated(Default, [Default, [1, 8, 32]], AneCompat.Schema.ArrayFeatureType.Types.ArrayDataType.Float16);

    private static AneCompat.Schema.FeatureType Ranged(long upper = 64) =>
        FeatureTypes.MultiArrayRanged(Default, [(1UL, 1L), (8UL, 8L), (16UL, upper)], AneCompat.Schema.ArrayFeatureType.Types.ArrayDataType.Float16);

    [Fact]
    public void FixedInputsRaiseNoShapeRule()
    {
        var g = LayerNorm(null);
        foreach (var rule in new[] { "SHAPE-ENUM", "SHAPE-RANGE", "SHAPE-ENUM+RANGE", "SHAPE-ENUM-CAVEATS", "SHAPE-NN-FLEX" })
            Silent(g, rule, "A17Pro");
    }

    [Fact]
    public void EnumeratedInput_mlprogram()
    {
        var g = LayerNorm(Enumerated());
        Fires(g, "SHAPE-ENUM", "A17Pro", "'x'");
        Silent(g, "SHAPE-RANGE", "A17Pro");
        // Enumerated × rank-3 layer_norm: observed off the ANE.
        Assert.Equal(Effect.OpToCpu, Fires(g, "SHAPE-ENUM-CAVEATS", "A17Pro", "rank-3 layer_norm").Effect);
    }

    [Fact]
    public void RangeInput_mlprogram_is_a_runtime_risk_planned_at_the_default_shape()
    {
        // ane-rules.md §4.8 item 2 (updated): Core ML plans at the default shape; SHAPE-RANGE is a runtime risk, not a block.
        var g = LayerNorm(Ranged());
        var f = Fires(g, "SHAPE-RANGE", "A17Pro", "x [1, 8, 16..64]");
        Assert.Null(f.OpIndex);
        Assert.False(f.BlocksAne);
        Assert.Equal(Effect.Unknown, f.Effect);
        Assert.Contains("planned at the default shape", f.Message);
        Silent(g, "SHAPE-ENUM", "A17Pro");
        Silent(g, "SHAPE-ENUM-CAVEATS", "A17Pro");
        Assert.Contains("Unbounded", Fires(LayerNorm(Ranged(-1)), "SHAPE-RANGE", "A17Pro", "16..∞").Message);
    }

    [Fact]
    public void EnumeratedAndRangeInputsTogether_mlprogram()
    {
        var g = LayerNorm(Enumerated(), FeatureTypes.MultiArrayRanged([1, 4], [(1UL, 1L), (4UL, 16L)], AneCompat.Schema.ArrayFeatureType.Types.ArrayDataType.Float16));
        Fires(g, "SHAPE-ENUM+RANGE", "A17Pro", "'x'");
        Silent(LayerNorm(Enumerated()), "SHAPE-ENUM+RANGE", "A17Pro");
    }

    [Fact]
    public void RangeInput_nn_runs_its_default_shape()
    {
        var g = Nn(new NeuralNetworkModelBuilder()
            .Input("x", FeatureTypes.MultiArrayRanged([8, 16, 16], [(8UL, 8L), (16UL, 64L), (16UL, 64L)]))
            .ReLU("relu", "x", "y").MultiArrayOutput("y", [8, 16, 16]));
        Assert.Equal(Effect.Unknown, Fires(g, "SHAPE-RANGE", "A17Pro", "x [8, 16..64, 16..64]").Effect);
        Fires(g, "SHAPE-NN-FLEX", "A17Pro", "'x'");
        Silent(Nn(new NeuralNetworkModelBuilder().MultiArrayInput("x", [8, 16, 16]).ReLU("relu", "x", "y").MultiArrayOutput("y", [8, 16, 16])),
            "SHAPE-NN-FLEX", "A17Pro");
    }

    /// <summary>reshape of x [1, 8, 16] to a constant shape or to one computed from the input (shape → runtime).</summary>
    private static AneCompat.Graph.ModelGraph Reshape(bool dynamic, AneCompat.Schema.FeatureType? x = null) => Program(f =>
    {
        f.Input("x", F16(Default));
        if (x is not null) f.Describe("x", x);
        if (dynamic)
            f.Op("shape", new MilInputs { ["x"] = "x" }, "s", I32(3))
                .Op("reshape", new MilInputs { ["x"] = "x", ["shape"] = "s" }, "y", F16(-1, -1, -1));
        else
            f.Op("reshape", new MilInputs { ["x"] = "x", ["shape"] = MilValues.Int32s(1, 16, 8) }, "y", F16(1, 16, 8));
        f.Output("y");
    });

    [Fact]
    public void DynamicReshape_mlprogram()
    {
        Assert.Equal(Effect.OpToCpu, Fires(Reshape(true), "SHAPE-DYN-OP", "A17Pro", "shape = 's'").Effect);
        Assert.Equal(Effect.ModelToCpuGpu, Fires(Reshape(true, Enumerated()), "SHAPE-DYN-OP", "A17Pro", "enumerated").Effect);
        Silent(Reshape(false), "SHAPE-DYN-OP", "A17Pro");
    }

    [Fact]
    public void DynamicSlice_mlprogram()
    {
        AneCompat.Graph.ModelGraph Slice(bool dynamic) => Program(f =>
        {
            f.Input("x", F16(1, 8, 16)).Input("n", I32(3));
            MilArg end = dynamic ? "n" : MilValues.Int32s(1, 8, 8);
            f.Op("slice_by_index", new MilInputs { ["x"] = "x", ["begin"] = MilValues.Int32s(0, 0, 0), ["end"] = end }, "y", F16(1, 8, -1))
                .Output("y");
        });
        Fires(Slice(true), "SLICE-DYN", "A17Pro", "end = 'n'");
        Silent(Slice(false), "SLICE-DYN", "A17Pro");
    }

    [Fact]
    public void DynamicSliceAndReshapeLayers_nn()
    {
        var g = Nn(new NeuralNetworkModelBuilder().SpecificationVersion(4).ExactArrayMapping()
            .MultiArrayInput("x", [1, 8, 16]).MultiArrayInput("shape", [3]).MultiArrayInput("begin", [3])
            .Layer("reshape", ["x", "shape"], ["r"], l => l.ReshapeDynamic = new AneCompat.Schema.ReshapeDynamicLayerParams())
            .Layer("slice", ["r", "begin"], ["y"], l => l.SliceDynamic = new AneCompat.Schema.SliceDynamicLayerParams())
            .MultiArrayOutput("y", [1, 8, 8]));
        Fires(g, "SHAPE-DYN-OP", "A17Pro", "'reshape'");
        Fires(g, "SLICE-DYN", "A17Pro", "'slice'");
        Silent(Nn(new NeuralNetworkModelBuilder().SpecificationVersion(4).ExactArrayMapping().MultiArrayInput("x", [1, 8, 16])
            .ReshapeStatic("reshape", "x", "y", [1, 16, 8]).MultiArrayOutput("y", [1, 16, 8])), "SHAPE-DYN-OP", "A17Pro");
    }
}
