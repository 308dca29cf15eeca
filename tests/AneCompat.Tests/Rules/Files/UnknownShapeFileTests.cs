using AneCompat.Building;
using static AneCompat.Tests.Rules.Files.RealFile;

namespace AneCompat.Tests.Rules.Files;

/// <summary>SHAPE-UNKNOWN: an op whose output shape is not static is said to be unjudged by the shape rules.</summary>
public class UnknownShapeFileTests
{
    private static AneCompat.Graph.ModelGraph Relu(params long[] shape) => Program(f => f
        .Input("x", F16(shape))
        .Op("relu", new MilInputs { ["x"] = "x" }, "y", F16(shape))
        .Output("y"));

    [Fact]
    public void UnknownAxisIsSaidAsSuch_mlprogram()
    {
        // -1 is an unknown dimension in the builder (written as an unknown MIL dimension).
        var f = Fires(Relu(1, -1), "SHAPE-UNKNOWN", "A17Pro", "'y'");
        Assert.Equal(AneCompat.Rules.Effect.Unknown, f.Effect);
        Assert.Contains("DIM-AXIS-MAX", f.Message);
        Silent(Relu(1, 8), "SHAPE-UNKNOWN", "A17Pro");
    }

    [Fact]
    public void InferenceStoppingAtACustomLayerIsSaidAsSuch_nn()
    {
        var g = Nn(new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [8, 16, 16])
            .Layer("swish", ["x"], ["s"], l => l.Custom = new AneCompat.Schema.CustomLayerParams { ClassName = "Swish" })
            .ReLU("relu", "s", "y")
            .MultiArrayOutput("y", [8, 16, 16]));
        var findings = Findings(g, "SHAPE-UNKNOWN", "A17Pro");
        Assert.Contains(findings, x => x.Message.Contains("'s'"));   // the custom layer's own output
        Assert.Contains(findings, x => x.Message.Contains("'y'"));   // and what follows it
        Silent(Nn(new NeuralNetworkModelBuilder()
            .MultiArrayInput("x", [8, 16, 16])
            .ReLU("relu", "x", "y")
            .MultiArrayOutput("y", [8, 16, 16])), "SHAPE-UNKNOWN", "A17Pro");
    }
}
