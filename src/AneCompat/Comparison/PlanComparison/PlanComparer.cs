using AneCompat.Planning;
using AneCompat.Reporting;

namespace AneCompat.Comparison.PlanComparison;

/// <summary>One plan op matched (or not) to ours, and whether the two answers agree.</summary>
/// <param name="Ours">Our op, or null when no op of ours matches.</param>
/// <param name="PlacementAgrees">Our device equals Core ML's preferred one; null when not compared (const/folded ops, no preferred device, unmatched).</param>
/// <param name="EligibilityAgrees">Our eligibility equals "Core ML lists the ANE as supported"; null when not compared.</param>
public sealed record OpAgreement(ObservedOp Observed, ReportOp? Ours, bool? PlacementAgrees, bool? EligibilityAgrees)
{
    public bool Disagrees => PlacementAgrees == false || EligibilityAgrees == false;
}

/// <summary>Agreement counts of one op kind (or overall).</summary>
public sealed record AgreementCount(string Kind, int Placement, int PlacementOf, int Eligibility, int EligibilityOf)
{
    public double? PlacementFraction => PlacementOf == 0 ? null : (double)Placement / PlacementOf;
    public double? EligibilityFraction => EligibilityOf == 0 ? null : (double)Eligibility / EligibilityOf;
}

/// <summary>Our report against Core ML's plan of the same model.</summary>
/// <param name="Unmatched">Plan ops no op of ours matched.</param>
public sealed record PlanComparisonResult(Report Report, ObservedPlan Plan, IReadOnlyList<OpAgreement> Ops, AgreementCount Overall, IReadOnlyList<AgreementCount> Kinds, int Unmatched)
{
    public IEnumerable<OpAgreement> Disagreements => Ops.Where(o => o.Disagrees);
}

/// <summary>
/// Matches the plan's ops to ours — by output or layer name when the plan has names, else in program order by op
/// type — and compares placement (our device vs Core ML's preferred device) and eligibility (our eligible flag vs
/// the ANE among Core ML's supported devices) for every compute op.
/// </summary>
public static class PlanComparer
{
    public static PlanComparisonResult Compare(Report report, ObservedPlan plan)
    {
        var ours = report.Ops;
        var byName = new Dictionary<string, ReportOp>(StringComparer.Ordinal);
        foreach (var op in ours)
        {
            foreach (var o in op.Outputs)
            {
                var colon = o.IndexOf(": ", StringComparison.Ordinal);
                byName.TryAdd(Key(op.Function, colon < 0 ? o : o[..colon]), op);
            }
            if (!string.IsNullOrEmpty(op.Name)) byName.TryAdd(Key(op.Function, op.Name), op);
        }

        var used = new HashSet<ReportOp>(ReferenceEqualityComparer.Instance);
        var cursor = 0;
        var results = new List<OpAgreement>();
        foreach (var observed in plan.Ops)
        {
            ReportOp? match = null;
            if (observed.Name is { } name)
            {
                match = byName.GetValueOrDefault(Key(observed.Function ?? "main", name))
                    ?? ours.FirstOrDefault(o => !used.Contains(o) && (o.Name == name || o.Outputs.Any(x => x.StartsWith(name + ": ", StringComparison.Ordinal))));
                if (match is not null && used.Contains(match)) match = null;
            }
            if (match is null)
            {
                // Program order: the next op of ours of the same type.
                for (var i = cursor; i < ours.Count; i++)
                {
                    if (used.Contains(ours[i]) || !SameType(ours[i], observed.Type)) continue;
                    match = ours[i];
                    cursor = i + 1;
                    break;
                }
            }
            if (match is not null) used.Add(match);
            results.Add(Judge(observed, match));
        }

        var kinds = results.Where(r => r.Ours is not null).GroupBy(r => r.Ours!.Kind, StringComparer.Ordinal)
            .Select(g => Count(g.Key, g)).Where(k => k.PlacementOf + k.EligibilityOf > 0).OrderByDescending(k => k.PlacementOf).ThenBy(k => k.Kind, StringComparer.Ordinal).ToList();
        return new PlanComparisonResult(report, plan, results, Count("all", results), kinds, results.Count(r => r.Ours is null));
    }

    private static string Key(string function, string name) => function + "\u0000" + name;

    private static string Canonical(string type) => type.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static bool SameType(ReportOp op, string type)
    {
        var t = Canonical(type);
        return Canonical(ObservedPlanReader.NormalizeType(op.Source)) == t || Canonical(op.Kind) == t;
    }

    private static OpAgreement Judge(ObservedOp observed, ReportOp? ours)
    {
        if (ours is null || ours.Role != OpRole.Compute || ours.Device is null) return new OpAgreement(observed, ours, null, null);
        bool? placement = observed.Preferred is { } p ? p == ours.Device : null;
        bool? eligibility = observed.Supported.Count > 0 ? observed.Supported.Contains(Device.Ane) == ours.Eligible : null;
        return new OpAgreement(observed, ours, placement, eligibility);
    }

    private static AgreementCount Count(string kind, IEnumerable<OpAgreement> ops)
    {
        int p = 0, pOf = 0, e = 0, eOf = 0;
        foreach (var o in ops)
        {
            if (o.PlacementAgrees is { } pa) { pOf++; if (pa) p++; }
            if (o.EligibilityAgrees is { } ea) { eOf++; if (ea) e++; }
        }
        return new AgreementCount(kind, p, pOf, e, eOf);
    }
}
