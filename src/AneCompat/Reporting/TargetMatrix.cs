namespace AneCompat.Reporting;

/// <summary>One chip's row of the <c>--target all</c> matrix: its report and the rules that fire on it.</summary>
/// <param name="Rules">Every rule id with a finding on this chip, in catalog-report order.</param>
/// <param name="DifferingRules">The rules of <paramref name="Rules"/> that do not fire on every chip: what sets this chip apart.</param>
public sealed record TargetRow(Report Report, IReadOnlyList<string> Rules, IReadOnlyList<string> DifferingRules);

/// <summary>
/// <c>--target all</c>: the same model analysed for every chip profile, so the JSON and HTML reports can show a
/// chip × status matrix naming, per chip, the rules that differ.
/// </summary>
public sealed class TargetMatrix
{
    public IReadOnlyList<TargetRow> Rows { get; }

    public TargetMatrix(IReadOnlyList<Report> reports)
    {
        var rulesPerChip = reports.Select(r => r.Rules.Select(s => s.RuleId).ToArray()).ToArray();
        var onEvery = rulesPerChip.Length == 0 ? new HashSet<string>()
            : rulesPerChip.Skip(1).Aggregate(new HashSet<string>(rulesPerChip[0], StringComparer.Ordinal), (set, rules) => { set.IntersectWith(rules); return set; });
        Rows = reports.Select((r, i) => new TargetRow(r, rulesPerChip[i], rulesPerChip[i].Where(id => !onEvery.Contains(id)).ToArray())).ToArray();
    }

    /// <summary>The worst status over every chip: what <c>--target all</c> exits with.</summary>
    public Planning.CompatibilityStatus WorstStatus => Rows.Count == 0 ? Planning.CompatibilityStatus.NotCompatible : Rows.Max(r => r.Report.Status);
}
