using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Registry;

namespace AneCompat.Planning;

/// <summary>
/// Estimated CPU time of an op, from its <see cref="OpCost"/> and kind (ane-rules.md §4.8 item 4): matrix FLOPs at
/// the CPU's matrix rate, constant weights streamed every call, per-element arithmetic and memory traffic, strided
/// layout moves. Rates depend on the op's dtype (fp16 vs fp32). Every constant is in <see cref="PlacementHeuristics"/>.
/// An op whose kind is not modelled, or whose needed shape is unknown, has no estimate: a region containing it is
/// never moved by cost.
/// </summary>
public static class PlacementCostModel
{
    /// <summary>
    /// Precision rules whose op could run on the GPU: fp32-typed work bars only the ANE ("Only the NE is barred as a
    /// compute unit when a model is typed with float 32 precision", DTYPE-FP32), so under compute units <c>all</c>
    /// it competes for the GPU.
    /// </summary>
    public static readonly IReadOnlySet<string> GpuCapableBlockers =
        new HashSet<string>(StringComparer.Ordinal) { "DTYPE-FP32", "DTYPE-FP32-LITERAL", "DTYPE-FP16-PASS" };

    /// <summary>
    /// The work class of an op: its registry kind's <see cref="OpKind.Work"/> (op-kinds.tsv <c>work</c> column, the one
    /// owner of the fact); <see cref="KindWork.Unknown"/> for a kind the registry lacks.
    /// </summary>
    public static KindWork Classify(Op op) => OpRegistry.Of(op).Work;

    /// <summary>Estimated CPU time of one op in µs; null when it cannot be estimated.</summary>
    public static double? CpuMicroseconds(Op op, OpCost cost)
    {
        var fp32 = IsFp32(op);
        double? time = Classify(op) switch
        {
            KindWork.Metadata => 0,
            KindWork.Copy => TrafficBytes(op, cost) is long b ? Bytes(b, PlacementHeuristics.CpuActivationGBps) : null,
            KindWork.Strided => OutputElements(op) is long n ? n * PlacementHeuristics.CpuStridedNsPerElement / 1000 : null,
            KindWork.Vector => cost.Flops is long f && TrafficBytes(op, cost) is long b
                ? Flops(f, fp32 ? PlacementHeuristics.CpuVectorGflopsFp32 : PlacementHeuristics.CpuVectorGflopsFp16) + Bytes(b, PlacementHeuristics.CpuActivationGBps)
                : null,
            KindWork.Matrix => cost.Flops is long f
                ? Flops(f, fp32 ? PlacementHeuristics.CpuMatrixGflopsFp32 : PlacementHeuristics.CpuMatrixGflopsFp16)
                : null,
            _ => null,
        };
        return time is double t ? t + Bytes(ConstantBytes(op), PlacementHeuristics.CpuWeightGBps) : null;
    }

    /// <summary>GPU compute time of one op in µs beyond the dispatch overhead: matrix FLOPs at the GPU's rate.</summary>
    public static double GpuComputeMicroseconds(Op op, OpCost cost) =>
        Classify(op) == KindWork.Matrix && cost.Flops is long f ? Flops(f, PlacementHeuristics.GpuMatrixGflops) : 0;

    /// <summary>Time in µs to copy a boundary tensor of this many bytes between CPU and ANE memory.</summary>
    public static double CopyMicroseconds(long bytes) => Bytes(bytes, PlacementHeuristics.BoundaryCopyGBps);

    /// <summary>"low" when the two sides are within <see cref="PlacementHeuristics.NearBoundaryFactor"/> of each other.</summary>
    public static PlacementConfidence Confidence(double? cpuUs, double otherUs)
    {
        if (cpuUs is not double c) return PlacementConfidence.Unknown;
        if (otherUs <= 0 || c <= 0) return PlacementConfidence.High;
        var ratio = c / otherUs;
        return ratio < PlacementHeuristics.NearBoundaryFactor && ratio > 1 / PlacementHeuristics.NearBoundaryFactor
            ? PlacementConfidence.Low : PlacementConfidence.High;
    }

    /// <summary>Bytes of constant weights the op reads: what the decoder counted on the op, or its constant operands.</summary>
    public static long ConstantBytes(Op op)
    {
        long operands = 0;
        foreach (var a in op.AllArguments)
            if (a.IsConstant && a.Type.ByteSize is long b) operands = Saturating.Add(operands, b);
        return Math.Max(op.WeightBytes, operands);
    }

    private static bool IsFp32(Op op)
    {
        var t = op.Outputs.Count > 0 ? op.Outputs[0].Type.Element : ElementType.Unknown;
        return t == ElementType.Float32;
    }

    private static long? OutputElements(Op op) => op.Outputs.Count == 0 ? null : op.Outputs[0].Type.Shape.ElementCount;

    /// <summary>Bytes of runtime inputs plus outputs; null when a size is unknown.</summary>
    private static long? TrafficBytes(Op op, OpCost cost) =>
        cost.ActivationBytes is long written && CostModel.BytesRead(op) is long read ? Saturating.Add(written, read) : null;

    private static double Flops(long flops, double gflops) => flops / (gflops * 1e3);

    private static double Bytes(long bytes, double gbps) => bytes / (gbps * 1e3);
}

/// <summary>How sure the placement of a region is, by how far its CPU estimate is from the other side.</summary>
public enum PlacementConfidence
{
    /// <summary>Far from the boundary (more than <see cref="PlacementHeuristics.NearBoundaryFactor"/> either way), or not decided by cost.</summary>
    High,
    /// <summary>Near the boundary: Core ML could go either way.</summary>
    Low,
    /// <summary>Some op's cost is unknown: the region keeps its eligible device (unknown shapes never demote).</summary>
    Unknown,
}

/// <summary>
/// The cost balance of one maximal region of consecutive ANE-eligible (or, under <c>all</c>, GPU-capable) compute ops
/// in a function: what it would cost on the CPU against the alternative device's fixed overhead plus copies.
/// </summary>
/// <param name="Candidate">The device the region could use instead of the CPU (ANE or GPU).</param>
/// <param name="Device">The device the cost model chose for it.</param>
/// <param name="CpuUs">Estimated CPU time in µs; null when some op's cost is unknown.</param>
/// <param name="CandidateUs">Fixed overhead of <paramref name="Candidate"/> plus its compute and boundary copies, µs.</param>
/// <param name="BoundaryBytes">Bytes of tensors the region exchanges with CPU work inside the model.</param>
public sealed record RegionEstimate(
    string Function,
    int FirstOp,
    int LastOp,
    int OpCount,
    Device Candidate,
    Device Device,
    double? CpuUs,
    double CandidateUs,
    long BoundaryBytes,
    PlacementConfidence Confidence)
{
    /// <summary>One line: "ops #3–#8: CPU ≈0.18 ms vs ANE ≈0.25 ms → CPU (near the boundary)".</summary>
    public string Describe()
    {
        var cpu = CpuUs is double c ? $"≈{Ms(c)} ms" : "unknown";
        var near = Confidence switch
        {
            PlacementConfidence.Low => " (near the boundary: low confidence)",
            PlacementConfidence.Unknown => " (some shapes unknown: never moved by cost)",
            _ => "",
        };
        return $"ops #{FirstOp}–#{LastOp} of {Function}: CPU {cpu} vs {Candidate.ToLabel()} ≈{Ms(CandidateUs)} ms (overhead + copies) → {Device.ToLabel()}{near}";
    }

    public static string Ms(double us) => (us / 1000).ToString(us >= 10_000 ? "0.#" : us >= 100 ? "0.##" : "0.###", System.Globalization.CultureInfo.InvariantCulture);
}
