namespace AneCompat.Planning;

/// <summary>
/// Named numbers of the placement cost model. They model Core ML's cost model and partitioner, which no source
/// publishes (ane-rules.md §4.2, §4.8 item 4, §5 item 9); they decide <em>placement</em>, never eligibility.
/// Each is a physical quantity of an Apple-silicon Mac (the published plans are from an M4) with the evidence it
/// was fitted to; docs/calibration.md lists every calibration case with the times these constants give. The fit
/// is deliberately loose: the constants sit in the middle of the interval the observations allow, not on a case.
/// </summary>
public static class PlacementHeuristics
{
    /// <summary>
    /// Fixed cost, in µs, of running one eligible region on the ANE instead of the CPU: building and submitting the
    /// ANE request through <c>aned</c>, synchronisation and IOSurface binding of its inputs and outputs. Core ML
    /// keeps a region on the CPU when its estimated CPU time is below this plus the region's boundary copies
    /// (ane-rules.md §4.8 item 4). Fitted to the M4 plans (shared/calibration): a 384² fp16 matmul of two runtime
    /// tensors (≈0.17 ms of CPU time by this model, with its casts) and a 4-op layer_norm/gelu/mul/softmax chain over
    /// 512×512 (≈0.12 ms) stay on the CPU, while the 512² fp16 matmul (≈0.38 ms), a 512×512 transpose (≈0.42 ms) and
    /// a 2M-element add (≈0.52 ms) run on the ANE; 0.25 ms is near the geometric middle of the allowed 0.17–0.38 ms.
    /// Same order as the ≈0.7 ms per boundary Apple measured (PART-BOUNDARY-COST), which includes copies.
    /// </summary>
    public const double AneDispatchOverheadUs = 250;

    /// <summary>
    /// CPU matrix throughput (matmul, conv, inner product, attention) in GFLOP/s for fp16-typed work. The M-series
    /// CPU runs Core ML's matrix work on its matrix unit (AMX/SME, several TFLOP/s peak); sustained through BNNS
    /// for mid-size problems it is far lower. 800 GFLOP/s puts the 384² matmul (113 MFLOP) at 0.14 ms and the 512²
    /// one (268 MFLOP) at 0.34 ms, either side of <see cref="AneDispatchOverheadUs"/> as observed (VX-435).
    /// </summary>
    public const double CpuMatrixGflopsFp16 = 800;

    /// <summary>
    /// CPU matrix throughput for fp32-typed work: half the fp16 rate (the matrix unit does twice the fp16 lanes).
    /// It matters for fp32 programs, which never reach the ANE, when the GPU competes under <c>all</c>: a 512² fp32
    /// matmul (0.67 ms on the CPU) stays on the CPU, a 1024² one (5.4 ms) goes to the GPU (calibration).
    /// </summary>
    public const double CpuMatrixGflopsFp32 = 400;

    /// <summary>
    /// CPU vector throughput for fp16 elementwise, normalisation, softmax and reduction arithmetic (NEON over the
    /// performance cores, 8 fp16 lanes): 100 GFLOP/s. Per-element operation counts come from <see cref="CostModel"/>.
    /// </summary>
    public const double CpuVectorGflopsFp16 = 100;

    /// <summary>CPU vector throughput for fp32 elementwise work: 4 lanes, half of <see cref="CpuVectorGflopsFp16"/>.</summary>
    public const double CpuVectorGflopsFp32 = 50;

    /// <summary>
    /// Bandwidth, in GB/s, at which the CPU reads and writes activation tensors of elementwise, layout-free copy
    /// and reduction ops (bytes of runtime inputs plus outputs): 100 GB/s, just under the M4's 120 GB/s DRAM peak,
    /// since mid-size activations partly stay in the shared cache. This term is what sends a 2M-element add or mul
    /// (≈48 MB touched with its casts) to the ANE while a 4-op chain over 512×512 (≈7.5 MB) stays on the CPU.
    /// </summary>
    public const double CpuActivationGBps = 100;

    /// <summary>
    /// Bandwidth, in GB/s, at which the CPU streams constant weights on every call (weights larger than its caches
    /// are re-read from DRAM each prediction, while the ANE keeps them in its compiled program): 50 GB/s, a single
    /// performance cluster's sustained read rate. A ~19 MFLOP network with ~19 MB of constant weights (a published
    /// plan, not in the calibration set) thus costs ≈0.4 ms on the CPU and runs on the ANE; a small decoder head of
    /// a few MFLOP and ~1 MB of weights (≈0.03 ms) stays on the CPU, as published plans show.
    /// </summary>
    public const double CpuWeightGBps = 50;

    /// <summary>
    /// CPU time, in ns per element, of a layout op that moves elements to new strides (transpose, permute,
    /// depth_to_space …): a strided gather the CPU does not vectorise well. Bounded below by the M4 plan that put a
    /// [1,512,512] fp16 transpose on the ANE (needs ≥ 0.8 ns per element with <see cref="AneDispatchOverheadUs"/>)
    /// while a softmax of the same shape stayed on the CPU; 1.5 ns is a cache-missing scalar access. Reshapes,
    /// squeezes and other metadata-only ops cost nothing.
    /// </summary>
    public const double CpuStridedNsPerElement = 1.5;

    /// <summary>
    /// Bandwidth, in GB/s, of copying a boundary tensor between a CPU region and an ANE region, fp32↔fp16
    /// conversion included (`Neural Engine – Data Copy` in Instruments; 11-12 ms of 89 ms in a gpt2-large case,
    /// SMP-NOTES): 25 GB/s. Added to the ANE side of a region's balance for each tensor it exchanges with CPU work
    /// inside the model (model inputs and outputs are bound to the caller's buffers on either device).
    /// </summary>
    public const double BoundaryCopyGBps = 25;

    /// <summary>
    /// Fixed cost, in µs, of running a region on the GPU under compute units <c>all</c>: Metal command-buffer
    /// encoding, submission and completion wait. Fitted to the M4 plans: a 512² fp32 matmul (0.67 ms of CPU time)
    /// stays on the CPU, a 1024² fp32 matmul (5.4 ms) runs on the GPU; 2 ms is near the geometric middle.
    /// </summary>
    public const double GpuDispatchOverheadUs = 2000;

    /// <summary>Sustained GPU matrix throughput, GFLOP/s (M4 10-core GPU, ≈4 TFLOP/s fp32 peak).</summary>
    public const double GpuMatrixGflops = 3000;

    /// <summary>
    /// Placement confidence band: when a region's estimated CPU time is within this factor of the ANE (or GPU)
    /// side, the report says the placement is near the boundary (confidence "low"): the constants above are
    /// fitted to one machine and a handful of plans, so a factor of 1.5 either way could fall on either side.
    /// </summary>
    public const double NearBoundaryFactor = 1.5;

    /// <summary>PART-BOUNDARY-COST: each device-switch boundary costs about 0.7 ms (Core AI measurement), plus tensor copies.</summary>
    public const double BoundaryCostMs = 0.7;
}
