using AneCompat.Graph;
using AneCompat.Rules;

namespace AneCompat.Planning;

/// <summary>
/// Where one op is predicted to run, and why: a read-only view of the planner's work item for the op (the plan
/// copies nothing per op; nothing changes the item once the plan is made).
/// </summary>
public sealed class PlannedOp
{
    private readonly Planner.WorkItem _item;

    internal PlannedOp(Planner.WorkItem item) => _item = item;

    public Op Op => _item.Op!;
    public OpRole Role => _item.Role;

    /// <summary>The ANE can run this op (no finding blocks it); false for folded and host ops.</summary>
    public bool Eligible => _item.Eligible;

    /// <summary>Predicted device; null for folded ops (placement-neutral).</summary>
    public Device? Device => _item.Device;

    /// <summary>One line saying why the op is on <see cref="Device"/>.</summary>
    public string Reason => _item.Reason;

    /// <summary>The rule id behind the reason, when one is.</summary>
    public string? ReasonRule => _item.ReasonRule;

    /// <summary>Index of the segment holding the op; null for folded and host ops.</summary>
    public int? Segment => _item.Segment;

    public OpCost Cost => _item.Cost;
    public IReadOnlyList<Finding> Findings => _item.Findings;

    /// <summary>The cost balance of the region the op belongs to (placement confidence); null when cost did not judge it.</summary>
    public RegionEstimate? Region => _item.Region;
}

/// <summary>A tensor that crosses into a segment from a segment on another device.</summary>
/// <param name="Bytes">Its size; null when its shape or element type is unknown.</param>
public sealed record BoundaryTensor(string Name, int FromSegment, long? Bytes);

/// <summary>
/// A tensor at a segment's edge, typed, as a sub-model cut at the segment would declare it in its interface.
/// </summary>
/// <param name="Name">The value's name in the graph (the feature name for a pipeline member).</param>
/// <param name="Element">Element type (<see cref="ElementType.Unknown"/> when the file does not say).</param>
/// <param name="Shape">Shape (possibly unknown or partly known).</param>
/// <param name="Bytes">Size of one value; null when the shape or element type is unknown.</param>
/// <param name="FromSegment">For an input: the segment that produces it; null for a model input (or a value made
/// by host-side work). Outputs leave it null.</param>
public sealed record SegmentTensor(string Name, ElementType Element, TensorShape Shape, long? Bytes, int? FromSegment = null)
{
    public static SegmentTensor Of(string name, Graph.ValueType type, int? fromSegment = null) =>
        new(name, type.Element, type.Shape, type.ByteSize, fromSegment);

    public Graph.ValueType Type => Graph.ValueType.Tensor(Element, Shape);
}

/// <summary>
/// A maximal run of consecutive work on one device inside one function (or one non-neural pipeline member).
/// </summary>
/// <param name="Function">Qualified function path (<c>main</c>, <c>models[1]/main</c>) or the member path for a non-neural member.</param>
/// <param name="FirstOp">Index of the first compute op (null for a non-neural member, which has no ops).</param>
/// <param name="LastOp">Index of the last compute op.</param>
/// <param name="OpCount">Compute ops in the segment (folded and host ops inside its range are not counted).</param>
/// <param name="Member">For a non-neural pipeline member: its model type (<c>glmClassifier</c> …); null otherwise.</param>
/// <param name="Inputs">Tensors copied in from segments on other devices (see <see cref="InputTensors"/> and
/// <see cref="OutputTensors"/> for the full typed interface).</param>
/// <param name="CopyBytes">Sum of the known sizes of <paramref name="Inputs"/>.</param>
public sealed record Segment(
    int Index,
    Device Device,
    string Function,
    int? FirstOp,
    int? LastOp,
    int OpCount,
    long? Flops,
    string? Member,
    IReadOnlyList<BoundaryTensor> Inputs,
    long CopyBytes)
{
    /// <summary>
    /// Every value the segment reads that it does not make itself (model inputs and values from other segments,
    /// same device or not; constants excluded), typed, in first-read order: a sub-model's inputs.
    /// </summary>
    public IReadOnlyList<SegmentTensor> InputTensors { get; init; } = Array.Empty<SegmentTensor>();

    /// <summary>
    /// Every value the segment makes that something outside it reads (a later segment, host-side work, the model's
    /// outputs), typed, in production order: a sub-model's outputs.
    /// </summary>
    public IReadOnlyList<SegmentTensor> OutputTensors { get; init; } = Array.Empty<SegmentTensor>();
}

/// <summary>A share of work: ops and FLOPs. Null fractions mean there was nothing to divide.</summary>
public sealed record Share(int Ops, int OfOps, long Flops, long OfFlops)
{
    public double? OpsFraction => OfOps == 0 ? null : (double)Ops / OfOps;
    /// <summary>Over ops whose FLOPs are known.</summary>
    public double? FlopsFraction => OfFlops == 0 ? null : (double)Flops / OfFlops;
}

/// <summary>The planner's prediction for one graph, target and compute-unit setting.</summary>
/// <param name="Switches">Device changes between consecutive segments of work that runs in sequence.</param>
/// <param name="EstimatedSwitchMs">Switches × <see cref="PlacementHeuristics.BoundaryCostMs"/> (copies come on top).</param>
/// <param name="CopyBytes">Bytes copied across all boundaries (known sizes only).</param>
/// <param name="Eligibility">Share of compute ops (and FLOPs) the ANE can run.</param>
/// <param name="Placement">Share of compute ops (and FLOPs) predicted to run on the ANE.</param>
/// <param name="Notes">Plan-level remarks: heuristics applied, ANE regions sandwiched between GPU regions, members of unknown placement.</param>
public sealed record Plan(
    ComputeUnits ComputeUnits,
    IReadOnlyList<PlannedOp> Ops,
    IReadOnlyList<Segment> Segments,
    int Switches,
    double EstimatedSwitchMs,
    long CopyBytes,
    Share Eligibility,
    Share Placement,
    CompatibilityStatus Status,
    IReadOnlyList<string> Notes)
{
    /// <summary>The placement cost model's balance for every region it judged (ANE-eligible runs; GPU-capable runs under <c>all</c>).</summary>
    public IReadOnlyList<RegionEstimate> Regions { get; init; } = Array.Empty<RegionEstimate>();
}
