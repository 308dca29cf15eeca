using System.Globalization;

namespace AneCompat.Tests.Fuzzing;

/// <summary>How the fuzz runs read their settings (case counts, seeds, first case) from the environment.</summary>
internal static class FuzzSettings
{
    public static long Long(string name, long fallback) =>
        long.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
}
