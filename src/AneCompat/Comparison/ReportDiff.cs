using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;

namespace AneCompat.Comparison;

/// <summary>An op present in both versions whose predicted device changed.</summary>
/// <param name="OldIndex">The op's index in the old report.</param>
/// <param name="NewIndex">The op's index in the new report.</param>
public sealed record OpMove(string Op, string Kind, Device? From, Device? To, int OldIndex, int NewIndex);

/// <summary>One op matched across the two versions (by function and name): its index in each report.</summary>
public readonly record struct OpPair(int Old, int New);

/// <summary>A finding present in only one version: rule, op (empty for the model) and the rule's effect.</summary>
/// <param name="OpIndex">The op's index in the report that has the finding (the new one for a new finding, the old
/// one for a gone finding); null for a model-level finding.</param>
public sealed record FindingChange(string RuleId, string Op, Effect Effect, string Message, int? OpIndex = null);

/// <summary>
/// What changed from one report of a model to another (two versions of a model, or a model and its fixed version):
/// status, ops that moved onto or off the ANE, ops added or removed, findings that are new or gone. Ops are matched by
/// function and name, findings by rule and op name (see <see cref="FindingKey"/>).
/// </summary>
public sealed record ReportDiff(
    string OldModel,
    string NewModel,
    string Target,
    CompatibilityStatus OldStatus,
    CompatibilityStatus NewStatus,
    Share OldPlacement,
    Share NewPlacement,
    IReadOnlyList<OpMove> MovedOntoAne,
    IReadOnlyList<OpMove> MovedOffAne,
    IReadOnlyList<string> AddedOps,
    IReadOnlyList<string> RemovedOps,
    IReadOnlyList<FindingChange> NewFindings,
    IReadOnlyList<FindingChange> GoneFindings)
{
    /// <summary>Every op found in both versions, in the new report's op order (the HTML diff links its two panes by it).</summary>
    public IReadOnlyList<OpPair> MatchedOps { get; init; } = [];

    /// <summary>The new version is worse: a worse status, an op that left the ANE, or a finding that was not there.</summary>
    public bool IsRegression => NewStatus > OldStatus || MovedOffAne.Count > 0 || NewFindings.Count > 0;

    public bool IsUnchanged => NewStatus == OldStatus && MovedOntoAne.Count == 0 && MovedOffAne.Count == 0
        && AddedOps.Count == 0 && RemovedOps.Count == 0 && NewFindings.Count == 0 && GoneFindings.Count == 0;
}

/// <summary>Compares two reports (report vs report: no model is read here).</summary>
public static class ReportComparison
{
    public static ReportDiff Compare(Report oldReport, Report newReport)
    {
        var oldOps = Index(oldReport);
        var newOps = Index(newReport);
        var onto = new List<OpMove>();
        var off = new List<OpMove>();
        var matched = new List<OpPair>();
        foreach (var (name, n) in newOps)
        {
            if (!oldOps.TryGetValue(name, out var o)) continue;
            matched.Add(new OpPair(o.Index, n.Index));
            if (n.Role != OpRole.Compute && o.Role != OpRole.Compute) continue;
            var wasAne = o.Role == OpRole.Compute && o.Device == Device.Ane;
            var isAne = n.Role == OpRole.Compute && n.Device == Device.Ane;
            if (wasAne == isAne) continue;
            (isAne ? onto : off).Add(new OpMove(name, n.Kind, o.Device, n.Device, o.Index, n.Index));
        }
        var added = newOps.Keys.Where(k => !oldOps.ContainsKey(k)).ToList();
        var removed = oldOps.Keys.Where(k => !newOps.ContainsKey(k)).ToList();

        return new ReportDiff(oldReport.Model.Path, newReport.Model.Path, newReport.Target.Name,
            oldReport.Status, newReport.Status, oldReport.Placement, newReport.Placement,
            onto, off, added, removed, Subtract(newReport, oldReport), Subtract(oldReport, newReport))
        {
            MatchedOps = matched,
        };
    }

    /// <summary>Ops by qualified name, in op order; a repeated name keeps its first op.</summary>
    private static Dictionary<string, ReportOp> Index(Report report)
    {
        var ops = new Dictionary<string, ReportOp>(StringComparer.Ordinal);
        foreach (var op in report.Ops) ops.TryAdd(FindingKey.OpName(op), op);
        return ops;
    }

    /// <summary>Findings of <paramref name="a"/> not matched by one of <paramref name="b"/> (multiset difference).</summary>
    private static List<FindingChange> Subtract(Report a, Report b)
    {
        var left = FindingKey.Of(b, "").GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<FindingChange>();
        foreach (var (key, finding) in Findings(a))
        {
            if (left.TryGetValue(key, out var n) && n > 0) { left[key] = n - 1; continue; }
            result.Add(new FindingChange(key.RuleId, key.Op, finding.Effect, finding.Message, finding.OpIndex));
        }
        return result;
    }

    private static IEnumerable<(FindingKey, Finding)> Findings(Report report)
    {
        foreach (var f in report.ModelFindings) yield return (new FindingKey("", f.RuleId, ""), f);
        foreach (var op in report.Ops)
            foreach (var f in op.Findings) yield return (new FindingKey("", f.RuleId, FindingKey.OpName(op)), f);
    }
}
