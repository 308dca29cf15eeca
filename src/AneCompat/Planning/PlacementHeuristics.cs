namespace AneCompat.Planning;

/// <summary>
/// Named numbers of the placement heuristics. They model Core ML's cost model and partitioner, which no source
/// publishes (ane-rules.md §4.2, §4.8, §5 item 9); they decide <em>placement</em>, never eligibility.
/// </summary>
public static class PlacementHeuristics
{
    /// <summary>
    /// COST-MIN-WORK. A run of consecutive ANE-eligible ops (an "island", or a whole function) whose known work is
    /// below this many FLOPs is predicted on the CPU: dispatching an ANE program and copying its tensors costs more
    /// than the arithmetic. Published plans put a 4×4 matmul (128 FLOPs) and small decoder heads 100 % on CPU; the
    /// highest published CPU-preferred points (matmul ≤ 384², M4) are far larger, but would send whole small
    /// convolution nets that run on the ANE on iPhones to the CPU, so we stay well below them: 2 MFLOP, about a
    /// 3×3 convolution over 64×64×16 → 16 channels. Islands whose work is partly unknown are never demoted.
    /// </summary>
    public const long TinyWorkFlops = 2_000_000;

    /// <summary>PART-BOUNDARY-COST: each device-switch boundary costs about 0.7 ms (Core AI measurement), plus tensor copies.</summary>
    public const double BoundaryCostMs = 0.7;
}
