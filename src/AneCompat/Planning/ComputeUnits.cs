namespace AneCompat.Planning;

/// <summary>
/// Core ML's <c>MLComputeUnits</c> (ane-rules.md §4.1, CU-CONFIG): which devices the runtime may use. No option
/// forces the ANE; the CPU is always allowed.
/// </summary>
public enum ComputeUnits { All, CpuAndNeuralEngine, CpuAndGpu, CpuOnly }

public static class ComputeUnitNames
{
    private static readonly (ComputeUnits Units, string Name)[] Names =
    {
        (ComputeUnits.All, "all"),
        (ComputeUnits.CpuAndNeuralEngine, "cpu-and-ne"),
        (ComputeUnits.CpuAndGpu, "cpu-and-gpu"),
        (ComputeUnits.CpuOnly, "cpu-only"),
    };

    /// <summary>The spellings the CLI accepts and reports print.</summary>
    public static IReadOnlyList<string> All { get; } = Names.Select(n => n.Name).ToArray();

    public static string ToName(this ComputeUnits units) => Names.First(n => n.Units == units).Name;

    public static bool TryParse(string? text, out ComputeUnits units)
    {
        foreach (var (u, name) in Names)
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase)) { units = u; return true; }
        units = ComputeUnits.All;
        return false;
    }

    public static bool AllowsAne(this ComputeUnits u) => u is ComputeUnits.All or ComputeUnits.CpuAndNeuralEngine;
    public static bool AllowsGpu(this ComputeUnits u) => u is ComputeUnits.All or ComputeUnits.CpuAndGpu;
}
