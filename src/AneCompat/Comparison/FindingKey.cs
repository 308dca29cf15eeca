using AneCompat.Reporting;

namespace AneCompat.Comparison;

/// <summary>
/// A finding as a baseline and a diff recognise it across versions of a model: the model's path, the rule id and the
/// op's name (empty for a model-level finding) — never the op's index, so inserting a layer elsewhere does not turn
/// every known finding into a new one. An op without a name is named by its kind and index ("conv#12"), which does
/// move; converters name ops, so this is rare.
/// </summary>
public sealed record FindingKey(string Model, string RuleId, string Op) : IComparable<FindingKey>
{
    public int CompareTo(FindingKey? other)
    {
        if (other is null) return 1;
        var c = string.CompareOrdinal(Model, other.Model);
        if (c == 0) c = string.CompareOrdinal(RuleId, other.RuleId);
        return c != 0 ? c : string.CompareOrdinal(Op, other.Op);
    }

    /// <summary>Every finding of a report as keys (a rule can fire twice on one op: the list keeps both).</summary>
    public static IEnumerable<FindingKey> Of(Report report, string modelKey)
    {
        foreach (var f in report.ModelFindings) yield return new FindingKey(modelKey, f.RuleId, "");
        foreach (var op in report.Ops)
            foreach (var f in op.Findings) yield return new FindingKey(modelKey, f.RuleId, OpName(op));
    }

    /// <summary>The op as keys name it: its function-qualified name outside the main function.</summary>
    public static string OpName(ReportOp op) => op.Function is "main" or "" ? op.DisplayName : $"{op.Function}/{op.DisplayName}";

    /// <summary>
    /// How a model is named in a baseline: its path relative to <paramref name="baseDir"/> (the baseline file's
    /// folder), with forward slashes, so a baseline written on one machine matches on another checkout.
    /// </summary>
    public static string ModelKey(string modelPath, string baseDir)
    {
        var full = Path.GetFullPath(modelPath);
        var rel = Path.GetRelativePath(Path.GetFullPath(baseDir), full);
        return (Path.IsPathRooted(rel) ? full : rel).Replace(Path.DirectorySeparatorChar, '/');
    }
}
