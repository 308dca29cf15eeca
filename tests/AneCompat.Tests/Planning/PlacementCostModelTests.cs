using AneCompat.Building;
using AneCompat.Graph;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Schema.Mil;
using AneCompat.Targets;
using AneCompat.Tests.Support;
using static AneCompat.Tests.Rules.Files.RealFile;

namespace AneCompat.Tests.Planning;

/// <summary>
/// Each term of the placement cost model (ane-rules.md §4.8 item 4) on ML programs built in code and read back
/// through the decoders, on both sides of its boundary: the same program shape once small enough that the CPU wins
/// against the ANE's dispatch overhead, once large enough for the ANE (or, for fp32 under <c>all</c>, the GPU).
/// </summary>
public class PlacementCostModelTests
{
    private static Report Analyze(ModelGraph graph, ComputeUnits units = ComputeUnits.All) =>
        ReportBuilder.Analyze(graph, ChipProfiles.Find("M4")!, units);

    private static Device[] ComputeDevices(Report r) =>
        r.Ops.Where(o => o.Role == OpRole.Compute).Select(o => o.Device!.Value).Distinct().ToArray();

    private static void AllOn(Device device, Report r) => Assert.Equal(new[] { device }, ComputeDevices(r));

    private static ModelGraph Matmul(long n, DataType dtype) => Program(f => f
        .Input("a", MilTypes.Tensor(dtype, n, n)).Input("b", MilTypes.Tensor(dtype, n, n))
        .Op("matmul", new MilInputs { ["x"] = "a", ["y"] = "b", ["transpose_x"] = MilValues.Bool(false), ["transpose_y"] = MilValues.Bool(false) },
            "c", MilTypes.Tensor(dtype, n, n))
        .Output("c"));

    [Fact]
    public void MatrixFlops_small_fp16_matmul_stays_on_the_cpu_large_one_runs_on_the_ane()
    {
        // 2·320³ = 66 MFLOP ≈ 0.08 ms on the CPU; 2·640³ = 524 MFLOP ≈ 0.66 ms: either side of the 0.25 ms overhead.
        var small = Analyze(Matmul(320, DataType.Float16));
        AllOn(Device.Cpu, small);
        Assert.Equal("COST-MIN-WORK", small.Ops.Single(o => o.Kind == "matmul").ReasonRule);
        Assert.Equal(1.0, small.Eligibility.OpsFraction); // placement moved it, eligibility did not change
        AllOn(Device.Ane, Analyze(Matmul(640, DataType.Float16)));
    }

    [Fact]
    public void ConstantWeights_streamed_every_call_send_a_weight_heavy_layer_to_the_ane()
    {
        // Both are a few MFLOP to ~19 MFLOP; what differs is the constant weight the CPU must stream every call:
        // 0.5 MB (≈0.01 ms) against 18.9 MB (≈0.38 ms at 50 GB/s).
        ModelGraph Linear(long inner, long outer) => Program(f => f
            .Input("x", F16(8, inner))
            .ConstBlob("w", DataType.Float16, [outer, inner])
            .Op("linear", new MilInputs { ["x"] = "x", ["weight"] = "w" }, "y", F16(8, outer))
            .Output("y"));
        AllOn(Device.Cpu, Analyze(Linear(512, 512)));
        var wide = Linear(3072, 3072);
        AllOn(Device.Ane, Analyze(wide));
        Assert.Equal(3072L * 3072 * 2, PlacementCostModel.ConstantBytes(wide.AllOps().Single(o => o.Kind == "linear")));
    }

    private static ModelGraph Elementwise(string kind, long rows, long cols) => Program(f => f
        .Input("a", F16(1, rows, cols)).Input("b", F16(1, rows, cols))
        .Op(kind, new MilInputs { ["x"] = "a", ["y"] = "b" }, "c", F16(1, rows, cols))
        .Output("c"));

    [Fact]
    public void Elementwise_traffic_small_add_stays_on_the_cpu_large_add_runs_on_the_ane()
    {
        // 65k elements (≈0.01 ms) against 8M elements (3 × 16 MB touched, ≈0.59 ms).
        AllOn(Device.Cpu, Analyze(Elementwise("add", 256, 256)));
        AllOn(Device.Ane, Analyze(Elementwise("add", 2048, 4096)));
    }

    [Fact]
    public void Layout_a_strided_transpose_is_costly_on_the_cpu_a_reshape_is_free()
    {
        ModelGraph Transpose(long n) => Program(f => f
            .Input("x", F16(1, n, n))
            .Op("transpose", new MilInputs { ["x"] = "x", ["perm"] = MilValues.Int32s(0, 2, 1) }, "y", F16(1, n, n))
            .Output("y"));
        AllOn(Device.Cpu, Analyze(Transpose(128)));   // 16k elements ≈ 0.02 ms
        AllOn(Device.Ane, Analyze(Transpose(512)));   // 262k elements ≈ 0.39 ms, as Core ML placed a 512×512 transpose (calibration)
        var reshape = Analyze(Program(f => f
            .Input("x", F16(1, 1024, 1024))
            .Op("reshape", new MilInputs { ["x"] = "x", ["shape"] = MilValues.Int32s(1024, 1024) }, "y", F16(1024, 1024))
            .Output("y")));
        AllOn(Device.Cpu, reshape); // metadata only: no work at all, whatever its size
    }

    [Fact]
    public void Softmax_per_element_work_small_stays_on_the_cpu_large_runs_on_the_ane()
    {
        ModelGraph Softmax(long n) => Program(f => f
            .Input("x", F16(1, n, n))
            .Op("softmax", new MilInputs { ["x"] = "x", ["axis"] = MilValues.Int32(-1) }, "y", F16(1, n, n))
            .Output("y"));
        AllOn(Device.Cpu, Analyze(Softmax(512)));   // ≈0.04 ms: a 512×512 softmax alone stayed on the CPU (calibration)
        AllOn(Device.Ane, Analyze(Softmax(2048)));  // 4M elements ≈ 0.6 ms
    }

    [Fact]
    public void Attention_has_a_flop_formula_small_sdpa_stays_on_the_cpu_large_runs_on_the_ane()
    {
        ModelGraph Sdpa(long l, long e) => Program(f => f
            .Input("q", F16(1, l, e)).Input("k", F16(1, l, e)).Input("v", F16(1, l, e))
            .Op("scaled_dot_product_attention", new MilInputs { ["query"] = "q", ["key"] = "k", ["value"] = "v" }, "y", F16(1, l, e))
            .Output("y"), specificationVersion: 9);
        var small = Analyze(Sdpa(64, 64));
        var op = small.Ops.Single(o => o.Kind == "scaled_dot_product_attention");
        Assert.Equal(4L * 64 * 64 * 64, op.Cost.Flops); // the registry's formula: 2 × (Q·Kᵀ + softmax·V) multiply-adds
        AllOn(Device.Cpu, small);
        AllOn(Device.Ane, Analyze(Sdpa(1024, 1024)));
    }

    [Fact]
    public void Gpu_under_all_takes_large_fp32_work_never_under_cpu_and_ne()
    {
        // fp32 never reaches the ANE (DTYPE-FP32). 2·512³ fp32 = 268 MFLOP ≈ 0.67 ms stays on the CPU; 2·1024³ ≈ 5.4 ms
        // is worth the GPU's 2 ms dispatch overhead under all, and stays on the CPU under cpu-and-ne.
        AllOn(Device.Cpu, Analyze(Matmul(512, DataType.Float32)));
        var large = Matmul(1024, DataType.Float32);
        var all = Analyze(large);
        AllOn(Device.Gpu, all);
        var mm = all.Ops.Single(o => o.Kind == "matmul");
        Assert.False(mm.Eligible);
        Assert.Equal("DTYPE-FP32", mm.ReasonRule);
        AllOn(Device.Cpu, Analyze(large, ComputeUnits.CpuAndNeuralEngine));
    }

    [Fact]
    public void BoundaryCopies_count_against_an_island_between_cpu_work()
    {
        // An 8M-element add runs on the ANE alone (≈0.59 ms of CPU work against 0.25 ms), but between two CPU-only ops
        // it would copy 48 MB in and out (≈1.9 ms at 25 GB/s), so Core ML keeps it on the CPU.
        var shape = GraphFactory.Fp16(1, 2048, 4096);
        var alone = new GraphFactory();
        alone.Add("add", "s", shape, ("x", shape), ("y", shape));
        Assert.Equal(Device.Ane, Planner.Predict(alone.Build().Item2, ComputeUnits.All).Ops[0].Device);

        var f = new GraphFactory();
        f.Finding(f.Add("custom", "a", shape, ("x", shape)), "MODEL-CUSTOM", Effect.OpToCpu);
        f.Finding(f.Add("custom", "b", shape, ("y", shape)), "MODEL-CUSTOM", Effect.OpToCpu);
        f.Add("add", "s", shape, ("a", shape), ("b", shape));
        f.Finding(f.Add("custom", "t", shape, ("s", shape)), "MODEL-CUSTOM", Effect.OpToCpu);
        var plan = Planner.Predict(f.Build().Item2, ComputeUnits.All);
        Assert.Equal(Device.Cpu, plan.Ops[2].Device);
        Assert.Equal("COST-MIN-WORK", plan.Ops[2].ReasonRule);
        var region = Assert.Single(plan.Regions);
        Assert.Equal(3L * 2048 * 4096 * 2, region.BoundaryBytes);
    }

    [Fact]
    public void Placement_confidence_is_low_near_the_boundary_and_in_the_json()
    {
        // 2·448³ = 180 MFLOP ≈ 0.22 ms against 0.25 ms: near the boundary, low confidence (kept on the CPU).
        // 2·1024³ ≈ 2.7 ms: far from it, high confidence.
        var near = Analyze(Matmul(448, DataType.Float16));
        var region = Assert.Single(near.Regions);
        Assert.Equal(PlacementConfidence.Low, region.Confidence);
        Assert.Contains(near.Notes, n => n.Contains("near the boundary", StringComparison.Ordinal));
        var far = Analyze(Matmul(1024, DataType.Float16));
        Assert.Equal(PlacementConfidence.High, Assert.Single(far.Regions).Confidence);

        using var ms = new MemoryStream();
        JsonReportWriter.Write(near, ms);
        using var doc = System.Text.Json.JsonDocument.Parse(ms.ToArray());
        var mm = doc.RootElement.GetProperty("ops").EnumerateArray().Single(o => o.GetProperty("kind").GetString() == "matmul");
        Assert.Equal("low", mm.GetProperty("placementConfidence").GetString());
        var json = doc.RootElement.GetProperty("placementRegions")[mm.GetProperty("placementRegion").GetInt32()];
        Assert.Equal("ane", json.GetProperty("candidate").GetString());
        Assert.InRange(json.GetProperty("cpuMs").GetDouble(), 0.15, 0.3);
    }
}
