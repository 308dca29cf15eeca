using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat;

/// <summary>
/// The library's one call for the whole flow: path → containers → decoders → graph → rules → planner → report.
/// Throws <see cref="Diagnostics.ModelReadException"/> (one line naming the file and the problem) for an unreadable
/// model, <see cref="ArgumentException"/> for a target name no chip profile has.
/// </summary>
public static class Analyzer
{
    /// <param name="path">An .mlmodel, .mlpackage or compiled .mlmodelc.</param>
    /// <param name="target">A chip profile name (A17Pro, M4, …); null for the default target.</param>
    /// <param name="units">The compute units the app will ask Core ML for.</param>
    public static Report Analyze(string path, string? target = null, ComputeUnits units = ComputeUnits.All)
    {
        var profile = target is null ? ChipProfiles.Default
            : ChipProfiles.Find(target) ?? throw new ArgumentException(
                $"unknown target '{target}' (one of: {string.Join(", ", ChipProfiles.All.Select(p => p.Name))})", nameof(target));
        return Analyze(path, profile, units);
    }

    public static Report Analyze(string path, ChipProfile target, ComputeUnits units = ComputeUnits.All) =>
        ReportBuilder.Analyze(ModelReader.Read(path), target, units);
}
