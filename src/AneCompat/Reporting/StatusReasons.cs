using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>Why a report has its status, in one sentence every output carries (JSON <c>statusReason</c>, text verdict, folder line, SARIF).</summary>
/// <param name="Text">The sentence.</param>
/// <param name="PlacementOnly">The model is partial or not compatible only because of placement (cost or compute units): every op
/// that is off the ANE could run there. Then there may be no finding at all, and the reason is the only explanation.</param>
public sealed record StatusReason(string Text, bool PlacementOnly);

public static class StatusReasons
{
    /// <summary>Rule ids under which the planner moves eligible ops off the ANE (placement, not eligibility).</summary>
    private static readonly Dictionary<string, string> PlacementRules = new(StringComparer.Ordinal)
    {
        ["COST-MIN-WORK"] = "too little work to pay for an ANE dispatch, Core ML keeps it on the CPU",
        ["PART-ANE-GPU"] = "the plan already went ANE→GPU in its function and stays on the GPU",
        ["CU-CONFIG"] = "the compute units exclude the ANE",
    };

    public static StatusReason Explain(CompatibilityStatus status, IReadOnlyList<ReportOp> ops, IReadOnlyList<Segment> segments)
    {
        // Counted first: a fully compatible model (the common case) needs only the count, no list of its ops.
        var computeCount = 0;
        foreach (var o in ops)
            if (o.Role == OpRole.Compute) computeCount++;
        var members = segments.Where(s => s.Member is not null).ToList();
        if (status == CompatibilityStatus.FullyCompatible)
            return new($"every compute op ({computeCount}) is predicted on the ANE", false);
        if (computeCount == 0 && members.Count > 0)
            return new($"no neural network the ANE could run: {string.Join(", ", members.Select(m => m.Member).Distinct())} run on the CPU", false);
        if (computeCount == 0)
            return new("the model has no compute op the ANE could run", false);

        var offAne = ops.Where(o => o.Role == OpRole.Compute && o.Device != Device.Ane).ToList();
        var blocked = offAne.Where(o => !o.Eligible).ToList();
        var moved = offAne.Where(o => o.Eligible).ToList();
        var parts = new List<string>();
        if (blocked.Count > 0)
            parts.Add($"{blocked.Count} of {computeCount} compute ops cannot run on the ANE ({Top(blocked)})");
        if (moved.Count > 0)
        {
            var why = moved.GroupBy(o => o.ReasonRule ?? "")
                .OrderByDescending(g => g.Count())
                .Select(g => PlacementRules.TryGetValue(g.Key, out var text) ? $"{g.Key}: {g.Count()} op(s), {text}" : $"{g.Count()} op(s) by {g.Key}");
            parts.Add($"{moved.Count} of {computeCount} compute ops could run on the ANE but are placed elsewhere by placement ({string.Join("; ", why)})");
        }
        if (members.Count > 0)
            parts.Add($"{members.Count} non-neural member(s) run on the CPU");

        var placementOnly = blocked.Count == 0 && members.Count == 0 && moved.Count > 0;
        var lead = placementOnly
            ? $"{(status == CompatibilityStatus.NotCompatible ? "not compatible" : "partial")} only because of placement, not eligibility: "
            : "";
        return new(lead + string.Join("; ", parts), placementOnly);
    }

    private static string Top(List<ReportOp> blocked) =>
        string.Join(", ", blocked.GroupBy(o => o.ReasonRule ?? "unknown").OrderByDescending(g => g.Count()).Take(3)
            .Select(g => $"{g.Key} ×{g.Count()}"));
}
