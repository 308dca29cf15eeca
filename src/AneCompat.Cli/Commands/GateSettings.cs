using AneCompat.Comparison;
using AneCompat.Reporting;

namespace AneCompat.Cli.Commands;

/// <summary>How a run is judged for CI: <c>--fail-on</c> and <c>--baseline</c>, and the folder baseline paths are relative to (the baseline file's).</summary>
public sealed record GateSettings(FailOn FailOn, Baseline? Baseline, string BaseDir)
{
    public static readonly GateSettings Default = new(FailOn.Status, null, Environment.CurrentDirectory);

    public GateResult Evaluate(IReadOnlyList<Report> reports, int unreadable) => Gate.Evaluate(reports, unreadable, FailOn, Baseline, BaseDir);

    public GateResult Evaluate(IReadOnlyList<GatedModel> models, int unreadable) => Gate.Evaluate(models, unreadable, FailOn, Baseline);

    /// <summary>What the gate keeps of one report.</summary>
    public GatedModel Keep(Report report) => GatedModel.Of(report, BaseDir);

    /// <summary>For --format markdown: whether a finding is one the baseline does not know (null without a baseline).</summary>
    public Func<Report, ReportOp?, Rules.Finding, bool>? NewFindingTest(GateResult result)
    {
        if (Baseline is null) return null;
        var fresh = result.NewFindings.ToHashSet();
        return (r, op, f) => fresh.Contains(new FindingKey(FindingKey.ModelKey(r.Model.Path, BaseDir), f.RuleId, op is null ? "" : FindingKey.OpName(op)));
    }

    /// <summary>The gate's line on standard error (and in the markdown summary), when a baseline or new-finding gate is in force.</summary>
    public string? Line(GateResult result) => result.Summary(Baseline is not null);
}
