using System.Runtime.InteropServices;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Planning;

/// <summary>
/// The planner's cost steps (ane-rules.md §4.8 item 4, COST-MIN-WORK; §4.2 GPU under <c>all</c>). Each judges
/// maximal regions of consecutive compute ops of one function by <see cref="PlacementCostModel"/>: their estimated
/// CPU time against the other device's fixed overhead plus the boundary copies the region would add. They change
/// placement only, never eligibility; a region with any op of unknown cost keeps its device.
/// </summary>
internal static class PlacementSteps
{
    /// <summary>
    /// Both cost steps in order, sharing one dataflow index, built only when some region leaves compute ops of its
    /// function outside it: a region holding every compute op of its function (a model that is one ANE region, the
    /// common case) exchanges nothing with other compute ops, so its boundary is 0 bytes without any index.
    /// </summary>
    public static void ApplyCosts(List<Planner.WorkItem> ops, ComputeUnits units, List<string> notes, List<RegionEstimate> regions)
    {
        Dataflow? flow = null;
        var computeOps = ComputeOpsPerFunction(ops);
        long BoundaryBytes(List<Planner.WorkItem> run) =>
            run.Count == computeOps[run[0].Op!.Function] ? 0 : (flow ??= new Dataflow(ops)).BoundaryBytes(run);
        ApplyAneCost(ops, units, notes, regions, BoundaryBytes);
        ApplyGpuCost(ops, units, notes, regions, BoundaryBytes);
    }

    private static Dictionary<string, int> ComputeOpsPerFunction(List<Planner.WorkItem> ops)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in ops)
            if (i.Role == OpRole.Compute)
                CollectionsMarshal.GetValueRefOrAddDefault(counts, i.Op!.Function, out _)++;
        return counts;
    }

    /// <summary>
    /// COST-MIN-WORK: every maximal ANE region whose CPU time is known and below
    /// <see cref="PlacementHeuristics.AneDispatchOverheadUs"/> plus its boundary copies moves to the CPU.
    /// </summary>
    private static void ApplyAneCost(List<Planner.WorkItem> ops, ComputeUnits units, List<string> notes, List<RegionEstimate> regions, Func<List<Planner.WorkItem>, long> boundaryBytes)
    {
        if (!units.AllowsAne()) return;
        foreach (var run in Planner.Runs(ops, i => i.Device == Device.Ane).ToList())
        {
            var cpu = CpuTime(run);
            var boundary = boundaryBytes(run);
            var ane = PlacementHeuristics.AneDispatchOverheadUs + PlacementCostModel.CopyMicroseconds(boundary);
            var demote = cpu is double c && c < ane;
            var estimate = Estimate(run, Device.Ane, demote ? Device.Cpu : Device.Ane, cpu, ane, boundary);
            regions.Add(estimate);
            foreach (var i in run)
            {
                i.Region = estimate;
                if (demote)
                    i.Place(Device.Cpu, $"COST-MIN-WORK: ANE-eligible, but its region would take ≈{RegionEstimate.Ms(cpu!.Value)} ms on the CPU, "
                        + $"less than the ANE's ≈{RegionEstimate.Ms(ane)} ms dispatch overhead and copies; Core ML keeps it on the CPU", "COST-MIN-WORK");
            }
            if (demote)
                notes.Add($"COST-MIN-WORK: {estimate.Describe()}.");
            else if (estimate.Confidence == PlacementConfidence.Low)
                notes.Add($"Placement near the boundary: {estimate.Describe()}.");
        }
    }

    /// <summary>
    /// GPU under <c>all</c>: a maximal region of CPU ops kept off the ANE only by precision (fp32-typed work, see
    /// <see cref="PlacementCostModel.GpuCapableBlockers"/>) goes to the GPU when its CPU time exceeds
    /// <see cref="PlacementHeuristics.GpuDispatchOverheadUs"/> plus its GPU compute and copies. Never under
    /// <c>cpu-and-ne</c> or <c>cpu-only</c>; <c>cpu-and-gpu</c> already gives the GPU the network.
    /// </summary>
    private static void ApplyGpuCost(List<Planner.WorkItem> ops, ComputeUnits units, List<string> notes, List<RegionEstimate> regions, Func<List<Planner.WorkItem>, long> boundaryBytes)
    {
        if (units != ComputeUnits.All) return;
        foreach (var run in Planner.Runs(ops, GpuCandidate).ToList())
        {
            var cpu = CpuTime(run);
            var boundary = boundaryBytes(run);
            var gpu = PlacementHeuristics.GpuDispatchOverheadUs + PlacementCostModel.CopyMicroseconds(boundary)
                + run.Sum(i => PlacementCostModel.GpuComputeMicroseconds(i.Op!, i.Cost));
            var promote = cpu is double c && c > gpu;
            var estimate = Estimate(run, Device.Gpu, promote ? Device.Gpu : Device.Cpu, cpu, gpu, boundary);
            regions.Add(estimate);
            foreach (var i in run)
            {
                i.Region = estimate;
                if (promote)
                    i.Place(Device.Gpu, $"blocked for the ANE by {i.Blocker!.RuleId}; under compute units all Core ML prefers the GPU for this much work "
                        + $"(CPU ≈{RegionEstimate.Ms(cpu!.Value)} ms vs GPU ≈{RegionEstimate.Ms(gpu)} ms with its dispatch overhead)", i.Blocker.RuleId);
            }
            if (promote)
                notes.Add($"GPU under compute units all: {estimate.Describe()}.");
            else if (estimate.Confidence == PlacementConfidence.Low)
                notes.Add($"Placement near the boundary: {estimate.Describe()}.");
        }
    }

    private static bool GpuCandidate(Planner.WorkItem i) =>
        i.Device == Device.Cpu && !i.Eligible && i.OnlyPrecisionBlocksAne;

    private static double? CpuTime(List<Planner.WorkItem> run)
    {
        double total = 0;
        foreach (var i in run)
        {
            if (PlacementCostModel.CpuMicroseconds(i.Op!, i.Cost) is not double t) return null;
            total += t;
        }
        return total;
    }

    private static RegionEstimate Estimate(List<Planner.WorkItem> run, Device candidate, Device device, double? cpu, double other, long boundary) =>
        new(run[0].Op!.Function, run[0].Op!.Index, run[^1].Op!.Index, run.Count, candidate, device, cpu, other, boundary,
            PlacementCostModel.Confidence(cpu, other));

    /// <summary>Producers and consumers of values among compute ops, per function, to find a region's boundary tensors.</summary>
    private sealed class Dataflow
    {
        // Sized up front (most ops make one value and read one or two), and a value's consumers kept inline: most
        // values have one, so no list per value.
        private readonly ValuesByFunction<Planner.WorkItem> _producer;
        private readonly ValuesByFunction<Consumers> _consumers;

        public Dataflow(List<Planner.WorkItem> ops)
        {
            _producer = new(ops.Count);
            _consumers = new(ops.Count);
            foreach (var i in ops)
            {
                if (i.Role != OpRole.Compute) continue;
                var op = i.Op!;
                foreach (var o in op.Outputs) _producer.Set(op.Function, o.Name, i);
                foreach (var a in op.AllArguments)
                {
                    if (a.Name is null || a.IsConstant) continue;
                    _consumers.GetOrAdd(op.Function, a.Name).Add(i);
                }
            }
        }

        /// <summary>Bytes of values the region reads from, or hands to, compute ops outside it (known sizes only).</summary>
        public long BoundaryBytes(List<Planner.WorkItem> run)
        {
            var inside = new HashSet<Planner.WorkItem>(run);
            var seen = new HashSet<string>(run.Count, StringComparer.Ordinal);
            long bytes = 0;
            foreach (var i in run)
            {
                var op = i.Op!;
                foreach (var a in op.AllArguments)
                {
                    if (a.Name is null || a.IsConstant || !seen.Add(a.Name)) continue;
                    if (_producer.TryGetValue(op.Function, a.Name, out var p) && !inside.Contains(p))
                        bytes = Saturating.Add(bytes, a.Type.ByteSize ?? 0);
                }
                foreach (var o in op.Outputs)
                {
                    if (!seen.Add(o.Name)) continue;
                    if (_consumers.TryGetValue(op.Function, o.Name, out var users) && users.AnyOutside(inside))
                        bytes = Saturating.Add(bytes, o.Type.ByteSize ?? 0);
                }
            }
            return bytes;
        }

        /// <summary>The compute ops that read one value, in op order: the first inline, the rest (rare) in a list.</summary>
        private struct Consumers
        {
            private Planner.WorkItem? _first;
            private List<Planner.WorkItem>? _more;

            public void Add(Planner.WorkItem item)
            {
                if (_first is null) _first = item;
                else (_more ??= new List<Planner.WorkItem>()).Add(item);
            }

            public readonly bool AnyOutside(HashSet<Planner.WorkItem> inside)
            {
                if (_first is not null && !inside.Contains(_first)) return true;
                if (_more is null) return false;
                foreach (var u in _more)
                    if (!inside.Contains(u)) return true;
                return false;
            }
        }
    }
}
