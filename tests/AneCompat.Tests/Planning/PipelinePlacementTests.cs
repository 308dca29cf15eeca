using AneCompat.Building;
using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Rules;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using AneCompat.Targets;
using AneCompat.Tests.Support;
using Google.Protobuf;

namespace AneCompat.Tests.Planning;

/// <summary>
/// Pipelines that mix a neural member with a classical one, planned from the real rule engine on real and built
/// files: the classical member's model-level finding (MODEL-NONNN) is about that member only.
/// </summary>
public class PipelinePlacementTests
{
    private static (ModelGraph Graph, Analysis Analysis, Plan Plan) PlanOf(string path, ComputeUnits units = ComputeUnits.All)
    {
        var graph = ModelReader.Read(path);
        var analysis = RuleEngine.Default.Evaluate(graph, ChipProfiles.Default);
        return (graph, analysis, Planner.Predict(analysis, units));
    }

    [CorpusFact]
    public void BlazefaceNmsPipelineIsPartialWithTheDetectorOnTheAneAndNmsAsOneCpuSegment()
    {
        var (graph, analysis, plan) = PlanOf(Corpus.Path("blazeface-nms-pipeline/blazeface_pipeline.mlmodel"));

        Assert.Contains(analysis.ModelLevel, f => f.RuleId == "MODEL-NONNN" && f.ModelPath == "models[1]");
        Assert.Equal(CompatibilityStatus.Partial, plan.Status);
        Assert.DoesNotContain(plan.Ops, p => p.ReasonRule == "MODEL-NONNN");
        Assert.True(plan.Placement.Ops > plan.Placement.OfOps / 2, $"{plan.Placement.Ops} of {plan.Placement.OfOps} on the ANE");

        // The detector's own segments, then the classical member as a single CPU segment.
        var nms = Assert.Single(plan.Segments, s => s.Member is not null);
        Assert.Equal("nonMaximumSuppression", nms.Member);
        Assert.Equal(Device.Cpu, nms.Device);
        Assert.Equal(plan.Segments[^1], nms);
        Assert.All(plan.Segments.Where(s => s.Member is null), s => Assert.Equal("models[0]/main", s.Function));
        Assert.Contains(plan.Segments, s => s.Member is null && s.Device == Device.Ane);

        // Ops of the detector are blocked only by their own findings.
        var nn = graph.Root.Children[0];
        foreach (var op in nn.Functions.SelectMany(f => f.Body.AllOps()))
            if (analysis.BlockerOf(op) is { } b) Assert.Equal(op.Index, b.OpIndex);
    }

    [CorpusTheory]
    [InlineData("iris-logreg-pipeline/iris.mlmodel")]
    [InlineData("mars-habitat-pricer/MarsHabitatPricer.mlmodel")]
    public void PureClassicalPipelineStaysNotCompatible(string key)
    {
        var (_, _, plan) = PlanOf(Corpus.Path(key));
        Assert.Equal(CompatibilityStatus.NotCompatible, plan.Status);
        Assert.All(plan.Segments, s => Assert.Equal(Device.Cpu, s.Device));
        Assert.All(plan.Segments, s => Assert.NotNull(s.Member));
    }

    /// <summary>
    /// A YOLOv8-style export: an fp16 ML program (conv → sigmoid scores, conv box coordinates) followed by a
    /// nonMaximumSuppression model, written as one pipeline .mlmodel. 512 feature channels make the network
    /// ≈0.4 GFLOP, enough work for the ANE by the placement cost model (16 would keep it on the CPU).
    /// </summary>
    internal static Model YoloNmsPipeline()
    {
        static Value Weights(int cout, int cin) =>
            MilValues.Bytes(DataType.Float16, new byte[cout * cin * 9 * 2], [cout, cin, 3, 3]);
        var program = new MlProgramBuilder()
            .Function("main", f => f
                .Input("image", MilTypes.Tensor(DataType.Float16, 1, 3, 64, 64))
                .Const("w1", Weights(512, 3))
                .Const("w2", Weights(4, 512))
                .Const("w3", Weights(4, 512))
                .Op("conv", new MilInputs { ["x"] = "image", ["weight"] = "w1", ["pad_type"] = MilValues.String("same") },
                    "features", MilTypes.Tensor(DataType.Float16, 1, 512, 64, 64))
                .Op("relu", new MilInputs { ["x"] = "features" }, "activated", MilTypes.Tensor(DataType.Float16, 1, 512, 64, 64))
                .Op("conv", new MilInputs { ["x"] = "activated", ["weight"] = "w2", ["pad_type"] = MilValues.String("same") },
                    "logits", MilTypes.Tensor(DataType.Float16, 1, 4, 64, 64))
                .Op("sigmoid", new MilInputs { ["x"] = "logits" }, "raw_confidence", MilTypes.Tensor(DataType.Float16, 1, 4, 64, 64))
                .Op("conv", new MilInputs { ["x"] = "activated", ["weight"] = "w3", ["pad_type"] = MilValues.String("same") },
                    "raw_coordinates", MilTypes.Tensor(DataType.Float16, 1, 4, 64, 64))
                .Output("raw_confidence", "raw_coordinates"))
            .Build();

        var nms = new Model
        {
            SpecificationVersion = 4,
            Description = new ModelDescription(),
            NonMaximumSuppression = new NonMaximumSuppression
            {
                PickTop = new NonMaximumSuppression.Types.PickTop { PerClass = false },
                IouThreshold = 0.45, ConfidenceThreshold = 0.25,
                ConfidenceInputFeatureName = "raw_confidence", CoordinatesInputFeatureName = "raw_coordinates",
                ConfidenceOutputFeatureName = "confidence", CoordinatesOutputFeatureName = "coordinates",
            },
        };
        nms.Description.Input.Add(program.Description.Output);
        nms.Description.Output.Add(new FeatureDescription { Name = "confidence", Type = FeatureTypes.MultiArray([0, 4], ArrayFeatureType.Types.ArrayDataType.Double) });
        nms.Description.Output.Add(new FeatureDescription { Name = "coordinates", Type = FeatureTypes.MultiArray([0, 4], ArrayFeatureType.Types.ArrayDataType.Double) });

        var pipeline = new Model { SpecificationVersion = program.SpecificationVersion, Description = new ModelDescription(), Pipeline = new Pipeline() };
        pipeline.Description.Input.Add(program.Description.Input);
        pipeline.Description.Output.Add(nms.Description.Output);
        pipeline.Pipeline.Models.Add(program);
        pipeline.Pipeline.Models.Add(nms);
        return pipeline;
    }

    [Fact]
    public void MlProgramPlusNmsPipelineIsPartialWithTypedSegmentInterfaces()
    {
        using var dir = new TempDir();
        var path = dir.Write("yolo-nms.mlmodel", YoloNmsPipeline().ToByteArray());
        var (_, analysis, plan) = PlanOf(path);

        Assert.Contains(analysis.ModelLevel, f => f.RuleId == "MODEL-NONNN" && f.ModelPath == "models[1]");
        Assert.Equal(CompatibilityStatus.Partial, plan.Status);
        Assert.Equal(new[] { Device.Ane, Device.Cpu }, plan.Segments.Select(s => s.Device));
        var (net, nms) = (plan.Segments[0], plan.Segments[1]);
        Assert.Equal("models[0]/main", net.Function);
        Assert.Equal(5, net.OpCount);
        Assert.Equal("nonMaximumSuppression", nms.Member);

        // The network segment's interface: the model input in, both program outputs out — typed.
        var input = Assert.Single(net.InputTensors);
        Assert.Equal(("image", ElementType.Float16, "[1, 3, 64, 64]", 1L * 3 * 64 * 64 * 2, (int?)null),
            (input.Name, input.Element, Dims(input.Shape), input.Bytes, input.FromSegment));
        Assert.Equal(new[] { "raw_confidence", "raw_coordinates" }, net.OutputTensors.Select(t => t.Name));
        Assert.All(net.OutputTensors, t => Assert.Equal((ElementType.Float16, "[1, 4, 64, 64]", 1L * 4 * 64 * 64 * 2), (t.Element, Dims(t.Shape), t.Bytes)));
        // "activated" and "logits" stay inside the segment.
        Assert.DoesNotContain(net.OutputTensors, t => t.Name is "activated" or "logits");

        // The NMS member reads both from the network segment, and outputs its declared features.
        Assert.Equal(new[] { ("raw_confidence", (int?)0), ("raw_coordinates", 0) }, nms.InputTensors.Select(t => (t.Name, t.FromSegment)));
        Assert.Equal(new[] { "confidence", "coordinates" }, nms.OutputTensors.Select(t => t.Name));
        Assert.All(nms.OutputTensors, t => Assert.Equal(ElementType.Float64, t.Element));
        Assert.Equal(2, nms.Inputs.Count); // the cross-device copies
    }

    [Fact]
    public void CpuOnlyStillPutsEverythingOnTheCpuAndTheNetworkIsStillEligible()
    {
        using var dir = new TempDir();
        var path = dir.Write("yolo-nms.mlmodel", YoloNmsPipeline().ToByteArray());
        var (_, _, plan) = PlanOf(path, ComputeUnits.CpuOnly);
        Assert.Equal(CompatibilityStatus.NotCompatible, plan.Status);
        Assert.Equal(5, plan.Eligibility.Ops);
    }

    private static string Dims(TensorShape s) => s.Dims is null ? "?" : "[" + string.Join(", ", s.Dims.Select(d => d.Size?.ToString() ?? "?")) + "]";

    /// <summary>
    /// The typed interface of every segment is exactly its cut: it reads (as inputs) every runtime value its ops use
    /// that it does not make, and exposes (as outputs) every value it makes that another segment, host-side work or the
    /// function's outputs read — on real files through the real engine.
    /// </summary>
    [CorpusTheory]
    [InlineData("blazeface-nms-pipeline/blazeface_pipeline.mlmodel")]
    [InlineData("cifar10-mlpackage/CIFAR10NetMPS_4.mlpackage")]
    [InlineData("mnist-ph1ps/MNIST.mlmodel")]
    public void SegmentInterfacesAreExactlyTheirCuts(string key)
    {
        var (graph, _, plan) = PlanOf(Corpus.Path(key));
        var functionOutputs = graph.Root.SelfAndDescendants()
            .SelectMany(n => n.Functions.SelectMany(f => f.Outputs.Select(o => (n.FunctionPrefix + f.Name, o)))).ToHashSet();
        foreach (var segment in plan.Segments.Where(s => s.Member is null))
        {
            var ops = plan.Ops.Where(p => p.Segment == segment.Index).Select(p => p.Op).ToList();
            var made = ops.SelectMany(o => o.Outputs.Select(v => v.Name)).ToHashSet();
            var read = ops.SelectMany(o => o.AllArguments).Where(a => a.Name is not null && !a.IsConstant).Select(a => a.Name!).ToHashSet();
            var inputs = segment.InputTensors.Select(t => t.Name).ToHashSet();
            Assert.Equal(read.Where(n => !made.Contains(n)).OrderBy(n => n), inputs.OrderBy(n => n));

            var readElsewhere = plan.Ops.Where(p => p.Segment != segment.Index)
                .SelectMany(p => p.Op.AllArguments).Where(a => a.Name is not null && !a.IsConstant).Select(a => a.Name!)
                .Concat(plan.Segments.Where(s => s.Member is not null).SelectMany(s => s.InputTensors.Select(t => t.Name)))
                .Concat(functionOutputs.Where(x => x.Item1 == segment.Function).Select(x => x.o))
                .ToHashSet();
            Assert.Equal(made.Where(readElsewhere.Contains).OrderBy(n => n), segment.OutputTensors.Select(t => t.Name).OrderBy(n => n));
            Assert.All(segment.OutputTensors.Concat(segment.InputTensors), t => Assert.Equal(t.Type.ByteSize, t.Bytes));
        }
    }
}
