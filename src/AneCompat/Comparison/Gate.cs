using AneCompat.Planning;
using AneCompat.Reporting;

namespace AneCompat.Comparison;

/// <summary>What makes a CI run fail (<c>--fail-on</c>).</summary>
public enum FailOn
{
    /// <summary>Default without a baseline: exit with the worst status, as the original ANECompat (1 partial, 2 not compatible).</summary>
    Status,
    /// <summary><c>partial</c>: fail when any model is partially or not compatible (exit 1 or 2) — the default, named.</summary>
    Partial,
    /// <summary><c>none</c>: fail only when a model runs none of its work on the ANE (not compatible, exit 2); partial passes.</summary>
    None,
    /// <summary><c>new-finding</c> (the default with <c>--baseline</c>): fail only on findings the baseline does not know (exit 4).</summary>
    NewFinding,
}

/// <summary>The gate's answer: the exit code, and the findings the baseline did not know.</summary>
public sealed record GateResult(int ExitCode, FailOn FailOn, IReadOnlyList<FindingKey> NewFindings, int KnownFindings)
{
    /// <summary>One line for the log or the step summary, or null when no baseline was involved.</summary>
    public string? Summary(bool hasBaseline) => !hasBaseline && FailOn != FailOn.NewFinding ? null
        : NewFindings.Count == 0 ? $"baseline: {KnownFindings} known finding(s), no new ones"
        : $"baseline: {NewFindings.Count} new finding(s) not in the baseline ({KnownFindings} known): "
          + string.Join("; ", NewFindings.Take(5).Select(k => $"{k.RuleId} on {(k.Op.Length == 0 ? "the model" : k.Op)} in {k.Model}"))
          + (NewFindings.Count > 5 ? $"; … {NewFindings.Count - 5} more" : "");
}

/// <summary>Turns reports (and a baseline) into the exit code a CI step uses.</summary>
public static class Gate
{
    /// <summary>Exit code of a run that fails only because of findings the baseline does not know.</summary>
    public const int NewFindingExitCode = 4;

    /// <summary>Exit code when any model could not be read: a gate must notice, whatever it fails on.</summary>
    public const int UnreadableExitCode = 3;

    public static readonly IReadOnlyList<string> Names = new[] { "partial", "none", "new-finding" };

    public static bool TryParse(string? name, out FailOn failOn)
    {
        failOn = FailOn.Status;
        switch (name?.Trim().ToLowerInvariant())
        {
            case null or "": return true;
            case "partial": failOn = FailOn.Partial; return true;
            case "none" or "not-compatible": failOn = FailOn.None; return true;
            case "new-finding" or "new-findings": failOn = FailOn.NewFinding; return true;
            default: return false;
        }
    }

    /// <param name="baseDir">The folder model paths are relative to in the baseline (the working folder).</param>
    public static GateResult Evaluate(IReadOnlyList<Report> reports, int unreadable, FailOn failOn, Baseline? baseline, string baseDir) =>
        Evaluate(reports.Select(r => GatedModel.Of(r, baseDir)).ToList(), unreadable, failOn, baseline);

    public static GateResult Evaluate(IReadOnlyList<GatedModel> models, int unreadable, FailOn failOn, Baseline? baseline)
    {
        if (failOn == FailOn.Status && baseline is not null) failOn = FailOn.NewFinding;
        var keys = models.SelectMany(m => m.Findings).ToList();
        var fresh = baseline?.NewFindings(keys) ?? keys;
        var worst = models.Select(m => (int)m.Status).DefaultIfEmpty(0).Max();
        var code = unreadable > 0 ? UnreadableExitCode : failOn switch
        {
            FailOn.None => worst == (int)CompatibilityStatus.NotCompatible ? worst : 0,
            FailOn.NewFinding => fresh.Count > 0 ? NewFindingExitCode : 0,
            _ => worst,
        };
        return new GateResult(code, failOn, fresh, keys.Count - fresh.Count);
    }
}

/// <summary>
/// All the gate needs of one model's report: its status and its findings as keys. A folder run keeps this instead of
/// the report when no document needs the report, so scanning thousands of models holds a few keys per model, not
/// every model's ops.
/// </summary>
public sealed record GatedModel(CompatibilityStatus Status, IReadOnlyList<FindingKey> Findings)
{
    /// <param name="baseDir">The folder model paths are relative to in the baseline.</param>
    public static GatedModel Of(Report report, string baseDir) =>
        new(report.Status, FindingKey.Of(report, FindingKey.ModelKey(report.Model.Path, baseDir)).ToList());
}
