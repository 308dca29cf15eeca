using AneCompat.Schema;

namespace AneCompat.Surgery;

/// <summary>Whether a rewrite computes the same thing (exact) or only nearly (approximate, opt-in).</summary>
public enum FixSafety { Exact, Approximate }

/// <summary>
/// One kind of rewrite from ../shared/surgery.md §5: which rule's finding it cures, how safe it is, and where in a
/// network it applies. <see cref="Propose"/> returns a proposal for every layer it concerns — applicable, or with
/// the precondition that fails.
/// </summary>
public abstract class Fix
{
    /// <summary>The surgery id (S1, S2, …).</summary>
    public abstract string Id { get; }

    /// <summary>The rule whose finding the rewrite makes disappear.</summary>
    public abstract string RuleId { get; }

    public abstract FixSafety Safety { get; }
    public abstract string Title { get; }

    /// <summary>Applied only when asked for by name (<c>--rule</c>) or flag, even though it is exact.</summary>
    public virtual bool OptIn => false;

    public abstract IEnumerable<FixProposal> Propose(NetworkContext network);

    /// <summary>Proposals for an ML program model (most fixes rewrite NeuralNetworks only).</summary>
    public virtual IEnumerable<FixProposal> ProposeProgram(Writing.ModelSite site) => [];

    /// <summary>Proposals for an ML program model, for fixes that need the user's options.</summary>
    public virtual IEnumerable<FixProposal> ProposeProgram(Writing.ModelSite site, FixOptions options) => ProposeProgram(site);
}

/// <summary>A check that the rewrite computes what the original did: both run on seeded random inputs of each shape set.</summary>
/// <param name="Original">The original layers (constants they read included).</param>
/// <param name="Replacement">The layers that replace them.</param>
/// <param name="Outputs">Blobs to compare.</param>
/// <param name="ShapeSets">Input shapes per run (several runs).</param>
/// <param name="Tolerance">Largest |a−b| / (1+|a|) accepted.</param>
/// <param name="RoundToHalf">Round every op's result through fp16 (approximate rewrites declare an fp16 bound).</param>
public sealed record EquivalenceCase(
    IReadOnlyList<NeuralNetworkLayer> Original,
    IReadOnlyList<NeuralNetworkLayer> Replacement,
    IReadOnlyList<string> Outputs,
    IReadOnlyList<IReadOnlyDictionary<string, long[]>> ShapeSets,
    double Tolerance = 1e-6,
    bool RoundToHalf = false);

/// <summary>One rewrite at one place, or why it cannot be made there.</summary>
public sealed record FixProposal(Fix Fix, string Member, int LayerIndex, string LayerName)
{
    /// <summary>The precondition that fails; null when the rewrite applies.</summary>
    public string? NotApplicable { get; init; }

    /// <summary>What the rewrite does, in one line.</summary>
    public string Description { get; init; } = "";

    /// <summary>The layers that take the place of the layer at <see cref="LayerIndex"/>.</summary>
    public IReadOnlyList<NeuralNetworkLayer> Replacement { get; init; } = [];

    /// <summary>Constant layers the rewrite folds in; removed when nothing else reads them.</summary>
    public IReadOnlyList<int> FoldedConstants { get; init; } = [];

    /// <summary>The numerical check; null for rewrites that change no computation (interface shapes, types).</summary>
    public EquivalenceCase? Check { get; init; }

    /// <summary>The numerical check of an ML-program rewrite (run by the planner like <see cref="Check"/>; a failure
    /// cancels the proposal). Proposals of one program-wide rewrite share one check.</summary>
    public Func<EquivalenceChecker.Result>? ProgramCheck { get; init; }

    /// <summary>Spec version the replacement needs at least.</summary>
    public int RequiredSpecificationVersion { get; init; } = 1;

    /// <summary>For interface rewrites (S12, S19): the edit applied to the model instead of a layer replacement.</summary>
    public Action<Writing.ModelSite>? ApplyToModel { get; init; }

    public bool Applicable => NotApplicable is null;

    public string Where => Member.Length == 0 ? $"'{LayerName}'" : $"{Member} '{LayerName}'";
}
