using AneCompat.Planning;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// Resolves the <c>--target</c> and <c>--compute-units</c> values of a command that analyses at one chip, so every
/// such command refuses a misspelt chip or unit set with the same line and exit code 5.
/// </summary>
public static class TargetOptions
{
    /// <summary>The chip and compute units, or null after writing the one-line error to <paramref name="error"/>.</summary>
    public static (ChipProfile Chip, ComputeUnits Units)? Resolve(string? targetName, string? unitsName, TextWriter error)
    {
        var chip = ChipProfiles.Find(targetName ?? ChipProfiles.DefaultName);
        if (chip is null)
        {
            error.WriteLine($"anecompat: unknown target '{targetName}'; known: {string.Join(", ", ChipProfiles.All.Select(p => p.Name))}");
            return null;
        }
        if (!ComputeUnitNames.TryParse(unitsName, out var units))
        {
            error.WriteLine($"anecompat: unknown compute units '{unitsName}'; use {string.Join(", ", ComputeUnitNames.All)}");
            return null;
        }
        return (chip, units);
    }
}
