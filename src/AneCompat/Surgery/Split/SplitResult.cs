namespace AneCompat.Surgery.Split;

/// <summary>Outcome of the equivalence check: the original and the chained sub-models on seeded random inputs.</summary>
/// <param name="NotCovered">Why the check could not run (an op the evaluator does not cover), or null when it ran.</param>
/// <param name="MaxAbsDifference">Largest difference over every output and seed (0 when bit-identical).</param>
public sealed record SplitProof(int Seeds, string? NotCovered, double MaxAbsDifference)
{
    public bool Ran => NotCovered is null;
    public override string ToString() => Ran
        ? $"equivalent on {Seeds} seeded random input(s): largest output difference {MaxAbsDifference:G3}"
        : $"equivalence not checked: {NotCovered}";
}

/// <summary>What <see cref="ModelSplitter"/> wrote.</summary>
public sealed record SplitResult(string OutputFolder, IReadOnlyList<SubModel> Parts, IReadOnlyList<string> PartPaths,
    string PipelinePath, SplitProof Proof);
