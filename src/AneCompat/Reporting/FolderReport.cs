using AneCompat.Planning;
using AneCompat.Targets;

namespace AneCompat.Reporting;

/// <summary>A model found in a folder that could not be read: its path and the one-line problem.</summary>
public sealed record UnreadableModel(string Path, string Error);

/// <summary>
/// The answer for every model in a folder or app bundle, for one target and compute-unit setting: the full report of
/// each readable model and the problem of each unreadable one, in the order the models were found.
/// </summary>
public sealed record FolderReport(
    string Folder,
    ChipProfile Target,
    ComputeUnits ComputeUnits,
    IReadOnlyList<Report> Models,
    IReadOnlyList<UnreadableModel> Unreadable)
{
    /// <summary>Exit code 3 of the command line: one unreadable model is enough to fail a CI gate.</summary>
    public const int UnreadableCode = 3;

    public int CountWith(CompatibilityStatus status) => Models.Count(m => m.Status == status);

    /// <summary>The worst status code over the models, or <see cref="UnreadableCode"/> when any model is unreadable.</summary>
    public int WorstExitCode =>
        Unreadable.Count > 0 ? UnreadableCode : Models.Select(m => (int)m.Status).DefaultIfEmpty(0).Max();
}
