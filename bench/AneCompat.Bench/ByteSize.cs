using System.Globalization;

namespace AneCompat.Bench;

/// <summary>Sizes written as a number with an optional binary unit: 4096, 512KiB, 10MiB, 1GiB.</summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
        [("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("B", 1)];

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        foreach (var (suffix, factor) in Units)
        {
            if (!text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            if (!long.TryParse(text[..^suffix.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
            bytes = checked(n * factor);
            return true;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out bytes);
    }
}
