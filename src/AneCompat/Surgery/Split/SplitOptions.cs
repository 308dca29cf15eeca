using AneCompat.Evaluation;
using AneCompat.Planning;

namespace AneCompat.Surgery.Split;

/// <summary>Where <c>split</c> cuts when the user names no op.</summary>
public enum SplitBoundaries
{
    /// <summary>Where the predicted device changes: rules, then the placement cost model (which keeps tiny work
    /// on the CPU), exactly as the analysis report shows.</summary>
    Placement,
    /// <summary>Where the rule verdict changes: ANE-eligible ops form ANE parts whatever the cost model says about
    /// their size; ops a rule blocks go where placement puts them (CPU or GPU). For cutting where the ANE
    /// <em>could</em> run, e.g. small models the cost model keeps whole on the CPU.</summary>
    Eligibility,
}

public sealed class SplitOptions
{
    /// <summary>Chip profile whose predicted segments decide the cuts (default: the tool's default target).</summary>
    public string? Target { get; init; }

    public ComputeUnits ComputeUnits { get; init; } = ComputeUnits.All;

    /// <summary>Which boundaries a split without <see cref="CutAfter"/> cuts at (default: the predicted placement).</summary>
    public SplitBoundaries By { get; init; } = SplitBoundaries.Placement;

    /// <summary>Cut after each of these ops (names as the file spells them) instead of at device boundaries.</summary>
    public IReadOnlyList<string> CutAfter { get; init; } = Array.Empty<string>();

    /// <summary>Declared shapes for boundary tensors whose shape neither the decoder nor the evaluator can tell
    /// (e.g. the output of a custom layer).</summary>
    public IReadOnlyDictionary<string, long[]> BoundaryShapes { get; init; } = new Dictionary<string, long[]>(StringComparer.Ordinal);

    /// <summary>Evaluator settings for the equivalence proof and for measuring unknown boundary shapes (custom layer
    /// implementations go here).</summary>
    public EvaluationOptions Evaluation { get; init; } = EvaluationOptions.Default;

    /// <summary>Random inputs (seeds) the proof runs the original and the chained sub-models on.</summary>
    public int ProofSeeds { get; init; } = 3;
}
