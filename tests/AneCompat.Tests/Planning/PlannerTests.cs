using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Rules;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Planning;

public class PlannerTests
{
    // Channels and spatial size of the test convolutions: a 3×3 conv C→C over S×S is 1.2 GFLOP (≈1.5 ms on the CPU by the
    // placement cost model), far above the ANE's dispatch overhead, so cost never moves these ops.
    private const long C = 64, S = 128;

    // conv(C→C) → custom → conv(C→C) over S×S fp16; MODEL-CUSTOM says the custom layer is op→CPU (ane-rules.md §1.1).
    private static (ModelGraph, Analysis) ConvCustomConv(Effect customEffect = Effect.OpToCpu)
    {
        var f = new GraphFactory();
        f.Conv("image", "c1", C, C, S, S);
        var custom = f.Add("custom", "s1", GraphFactory.Fp16(1, C, S, S), ("c1", GraphFactory.Fp16(1, C, S, S)));
        f.Finding(custom, "MODEL-CUSTOM", customEffect, "replace the custom layer with built-in layers");
        f.Conv("s1", "out", C, C, S, S);
        return f.Build();
    }

    [Fact]
    public void ConvCustomConvGivesAneCpuAneWithBoundaryTensors()
    {
        var (_, analysis) = ConvCustomConv();
        var plan = Planner.Predict(analysis, ComputeUnits.All);

        Assert.Equal(new[] { Device.Ane, Device.Cpu, Device.Ane }, plan.Segments.Select(s => s.Device));
        Assert.Equal(new int?[] { 0, 1, 2 }, plan.Segments.Select(s => s.FirstOp));
        Assert.Equal(new int?[] { 0, 1, 2 }, plan.Segments.Select(s => s.LastOp));
        Assert.Empty(plan.Segments[0].Inputs); // the model input is not a device copy
        var intoCpu = Assert.Single(plan.Segments[1].Inputs);
        Assert.Equal("c1", intoCpu.Name);
        Assert.Equal(0, intoCpu.FromSegment);
        Assert.Equal(1L * C * S * S * 2, intoCpu.Bytes); // fp16 tensor
        var intoAne = Assert.Single(plan.Segments[2].Inputs);
        Assert.Equal("s1", intoAne.Name);
        Assert.Equal(1L * C * S * S * 2, plan.Segments[2].CopyBytes);
        Assert.Equal(2, plan.Switches);
        Assert.Equal(2 * PlacementHeuristics.BoundaryCostMs, plan.EstimatedSwitchMs, 6);
        Assert.Equal(2L * C * S * S * 2, plan.CopyBytes);
        Assert.Equal(CompatibilityStatus.Partial, plan.Status);
        Assert.Equal("MODEL-CUSTOM", plan.Ops[1].ReasonRule);
        Assert.Equal(2, plan.Eligibility.Ops);
        Assert.Equal(3, plan.Eligibility.OfOps);
    }

    [Theory]
    [InlineData(ComputeUnits.CpuOnly, new[] { Device.Cpu }, CompatibilityStatus.NotCompatible)]
    [InlineData(ComputeUnits.CpuAndGpu, new[] { Device.Gpu, Device.Cpu, Device.Gpu }, CompatibilityStatus.NotCompatible)]
    [InlineData(ComputeUnits.CpuAndNeuralEngine, new[] { Device.Ane, Device.Cpu, Device.Ane }, CompatibilityStatus.Partial)]
    public void ComputeUnitsChangeThePlan(ComputeUnits units, Device[] expected, CompatibilityStatus status)
    {
        var (_, analysis) = ConvCustomConv();
        var plan = Planner.Predict(analysis, units);
        Assert.Equal(expected, plan.Segments.Select(s => s.Device));
        Assert.Equal(status, plan.Status);
        // Eligibility is a property of the ops, not of the compute units.
        Assert.Equal(2, plan.Eligibility.Ops);
    }

    [Fact]
    public void OpToGpuGoesToGpuOnlyWhenTheUnitsAllowIt()
    {
        var (_, analysis) = ConvCustomConv(Effect.OpToGpu);
        Assert.Equal(Device.Gpu, Planner.Predict(analysis, ComputeUnits.All).Ops[1].Device);
        Assert.Equal(Device.Cpu, Planner.Predict(analysis, ComputeUnits.CpuAndNeuralEngine).Ops[1].Device);
    }

    [Fact]
    public void AneToGpuHappensAtMostOncePerFunction()
    {
        // conv, gpu-op, conv, cpu-op, conv, gpu-op, conv
        var f = new GraphFactory();
        var shape = GraphFactory.Fp16(1, C, S, S);
        f.Conv("image", "a0", C, C, S, S);
        f.Finding(f.Add("resample", "a1", shape, ("a0", shape)), "RESIZE-TEXTURE", Effect.OpToGpu);
        f.Conv("a1", "a2", C, C, S, S);
        f.Finding(f.Add("custom", "a3", shape, ("a2", shape)), "MODEL-CUSTOM", Effect.OpToCpu);
        f.Conv("a3", "a4", C, C, S, S);
        f.Finding(f.Add("resample", "a5", shape, ("a4", shape)), "RESIZE-TEXTURE", Effect.OpToGpu);
        f.Conv("a5", "a6", C, C, S, S);
        var (_, analysis) = f.Build();

        var plan = Planner.Predict(analysis, ComputeUnits.All);
        var devices = plan.Ops.Select(o => o.Device!.Value).ToArray();
        Assert.Equal(new[] { Device.Ane, Device.Gpu, Device.Gpu, Device.Cpu, Device.Gpu, Device.Gpu, Device.Gpu }, devices);
        var aneToGpu = plan.Segments.Zip(plan.Segments.Skip(1)).Count(p => p.First.Device == Device.Ane && p.Second.Device == Device.Gpu);
        Assert.Equal(1, aneToGpu);
        Assert.Equal("PART-ANE-GPU", plan.Ops[2].ReasonRule);
        Assert.True(plan.Ops[2].Eligible); // placement moved it, eligibility did not change
        Assert.Contains(plan.Notes, n => n.StartsWith("PART-ANE-GPU", StringComparison.Ordinal));

        // Without the GPU the same graph ping-pongs ANE↔CPU, which is allowed (PART-ANE-CPU).
        var noGpu = Planner.Predict(analysis, ComputeUnits.CpuAndNeuralEngine);
        Assert.Equal(7, noGpu.Segments.Count);
        Assert.Equal(6, noGpu.Switches);
    }

    [Fact]
    public void TinyEligibleGraphStaysOnCpuButIsFullyEligible()
    {
        // A 4×4 matmul and a softmax: published compute plans show such a model 100 % on the CPU (COST-MIN-WORK).
        var f = new GraphFactory();
        var m = GraphFactory.Fp16(4, 4);
        f.Add("matmul", "mm", m, ("x", m), ("y", m));
        f.Add("softmax", "out", m, ("mm", m));
        var (_, analysis) = f.Build();

        var plan = Planner.Predict(analysis, ComputeUnits.CpuAndNeuralEngine);
        Assert.Equal(1.0, plan.Eligibility.OpsFraction);
        Assert.Equal(1.0, plan.Eligibility.FlopsFraction);
        Assert.Equal(0.0, plan.Placement.OpsFraction);
        Assert.All(plan.Ops, o => Assert.Equal(Device.Cpu, o.Device));
        Assert.All(plan.Ops, o => Assert.Equal("COST-MIN-WORK", o.ReasonRule));
        Assert.Equal(CompatibilityStatus.NotCompatible, plan.Status);
        Assert.Equal(2L * 4 * 4 * 4, plan.Ops[0].Cost.Flops);
    }

    [Fact]
    public void TinyIslandBetweenCpuWorkMovesToCpuButLargeWorkStays()
    {
        // conv (large) → custom (CPU) → small add (tiny island) → custom (CPU)
        var f = new GraphFactory();
        var big = GraphFactory.Fp16(1, C, S, S);
        var small = GraphFactory.Fp16(1, 8);
        f.Conv("image", "c", C, C, S, S);
        f.Finding(f.Add("custom", "s", small, ("c", big)), "MODEL-CUSTOM", Effect.OpToCpu);
        f.Add("add", "a", small, ("s", small), ("s", small));
        f.Finding(f.Add("custom", "t", small, ("a", small)), "MODEL-CUSTOM", Effect.OpToCpu);
        var (_, analysis) = f.Build();

        var plan = Planner.Predict(analysis, ComputeUnits.All);
        Assert.Equal(new[] { Device.Ane, Device.Cpu }, plan.Segments.Select(s => s.Device));
        Assert.Equal("COST-MIN-WORK", plan.Ops[2].ReasonRule);
        Assert.Equal(CompatibilityStatus.Partial, plan.Status);
    }

    [Fact]
    public void WorkOfUnknownSizeIsNotDemoted()
    {
        var f = new GraphFactory();
        f.Add("add", "a", global::AneCompat.Graph.ValueType.Unknown, ("x", global::AneCompat.Graph.ValueType.Unknown), ("y", global::AneCompat.Graph.ValueType.Unknown));
        var (_, analysis) = f.Build();
        var plan = Planner.Predict(analysis, ComputeUnits.All);
        Assert.Equal(Device.Ane, plan.Ops[0].Device);
        Assert.Null(plan.Ops[0].Cost.Flops);
        Assert.Equal(CompatibilityStatus.FullyCompatible, plan.Status);
    }

    [Fact]
    public void FoldedOpsAreNeutralAndDoNotCutSegments()
    {
        var f = new GraphFactory();
        f.Conv("image", "c1", C, C, S, S);
        f.Add("const", "k", GraphFactory.Fp16(1));
        f.Add("constexpr_lut_to_dense", "w", GraphFactory.Fp16(16, 16, 3, 3));
        f.Conv("c1", "c2", C, C, S, S);
        var (_, analysis) = f.Build();

        var plan = Planner.Predict(analysis, ComputeUnits.All);
        var segment = Assert.Single(plan.Segments);
        Assert.Equal((0, 3, 2), (segment.FirstOp!.Value, segment.LastOp!.Value, segment.OpCount));
        Assert.Null(plan.Ops[1].Device);
        Assert.Equal(OpRole.Folded, plan.Ops[2].Role);
        Assert.Equal(2, plan.Eligibility.OfOps); // folded ops are not compute
        Assert.Equal(CompatibilityStatus.FullyCompatible, plan.Status);
    }

    [Fact]
    public void ModelLevelGateBlocksEveryOp()
    {
        var f = new GraphFactory();
        f.Conv("image", "c1", C, C, S, S);
        f.Conv("c1", "c2", C, C, S, S);
        f.ModelFinding("DTYPE-FP32", Effect.ModelToCpuGpu);
        var (_, analysis) = f.Build();

        var plan = Planner.Predict(analysis, ComputeUnits.CpuAndNeuralEngine);
        Assert.All(plan.Ops, o => Assert.False(o.Eligible));
        Assert.All(plan.Ops, o => Assert.Equal(Device.Cpu, o.Device));
        Assert.Equal("DTYPE-FP32", plan.Ops[0].ReasonRule);
        Assert.Equal(0.0, plan.Eligibility.OpsFraction);
        Assert.Equal(CompatibilityStatus.NotCompatible, plan.Status);

        // Under all, 2.4 GFLOP of work kept off the ANE only by precision is worth the GPU's dispatch overhead;
        // the reason is still the precision rule, and eligibility is unchanged.
        var all = Planner.Predict(analysis, ComputeUnits.All);
        Assert.All(all.Ops, o => Assert.Equal(Device.Gpu, o.Device));
        Assert.All(all.Ops, o => Assert.False(o.Eligible));
        Assert.Equal("DTYPE-FP32", all.Ops[0].ReasonRule);
        Assert.Equal(CompatibilityStatus.NotCompatible, all.Status);
    }

    [Fact]
    public void ClassicalPipelineMemberIsCpuWork()
    {
        // pipeline[ mlProgram conv net → glmClassifier ]: the neural member runs on the ANE, the classical one on the CPU.
        var f = new GraphFactory();
        f.Conv("image", "features", C, C, S, S);
        var neural = new ModelNode { Path = "models[0]", ModelType = "mlProgram", Family = ModelFamily.MlProgram };
        var fn = new GraphFunction { Name = "main" };
        var net = f.Graph();
        fn.Body.Ops.AddRange(net.Root.Functions[0].Body.Ops);
        foreach (var op in fn.Body.Ops) op.Function = "models[0]/main";
        neural.Functions.Add(fn);
        var glm = new ModelNode { Path = "models[1]", ModelType = "glmClassifier", Family = ModelFamily.Classical };
        glm.Interface.Inputs.Add(new FeatureInfo { Name = "features", Kind = FeatureKind.MultiArray, Element = ElementType.Float16, Shape = new long[] { 1, C, S, S } });
        var root = new ModelNode { ModelType = "pipelineClassifier", Family = ModelFamily.Pipeline };
        root.Children.Add(neural);
        root.Children.Add(glm);
        var graph = new ModelGraph { SourcePath = "p.mlmodel", Container = ContainerKind.MlModel, Root = root };
        graph.AssignIndices();

        var plan = Planner.Predict(f.Analysis(graph), ComputeUnits.All);
        Assert.Equal(new[] { Device.Ane, Device.Cpu }, plan.Segments.Select(s => s.Device));
        Assert.Equal("glmClassifier", plan.Segments[1].Member);
        var copied = Assert.Single(plan.Segments[1].Inputs);
        Assert.Equal(("features", 1L * C * S * S * 2), (copied.Name, copied.Bytes!.Value));
        Assert.Equal(1, plan.Switches);
        Assert.Equal(CompatibilityStatus.Partial, plan.Status);
    }

    [Fact]
    public void PurelyClassicalModelIsNotCompatible()
    {
        var root = new ModelNode { ModelType = "treeEnsembleRegressor", Family = ModelFamily.Classical };
        var graph = new ModelGraph { SourcePath = "t.mlmodel", Container = ContainerKind.MlModel, Root = root };
        var analysis = new Analysis(graph, global::AneCompat.Targets.ChipProfiles.Default, Array.Empty<Finding>(), new Dictionary<int, OpStatus>());
        var plan = Planner.Predict(analysis, ComputeUnits.All);
        var segment = Assert.Single(plan.Segments);
        Assert.Equal(Device.Cpu, segment.Device);
        Assert.Equal(CompatibilityStatus.NotCompatible, plan.Status);
        Assert.Null(plan.Eligibility.OpsFraction);
    }
}
