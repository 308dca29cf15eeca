namespace AneCompat.Planning;

/// <summary>
/// The original ANECompat's answer, predicted from placement (not eligibility). Work items are compute ops
/// (<see cref="OpRole.Compute"/>: folded and host ops excluded) plus non-neural pipeline members (one item each).
/// </summary>
public enum CompatibilityStatus
{
    /// <summary>0: there is work and every work item is predicted on the ANE.</summary>
    FullyCompatible = 0,
    /// <summary>1: some work items are predicted on the ANE and some are not.</summary>
    Partial = 1,
    /// <summary>2: no work item is predicted on the ANE (including a model with no work at all).</summary>
    NotCompatible = 2,
}

public static class CompatibilityStatusNames
{
    public static string ToName(this CompatibilityStatus s) => s switch
    {
        CompatibilityStatus.FullyCompatible => "fully-compatible",
        CompatibilityStatus.Partial => "partial",
        CompatibilityStatus.NotCompatible => "not-compatible",
        _ => s.ToString(),
    };

    public static CompatibilityStatus FromCounts(int workItems, int onAne) =>
        onAne == 0 ? CompatibilityStatus.NotCompatible
        : onAne == workItems ? CompatibilityStatus.FullyCompatible
        : CompatibilityStatus.Partial;
}
