using System.Globalization;

namespace AneCompat.Decoders.MilText;

/// <summary>Numbers as model.mil spells them: integers, decimal floats, and C99 hex floats (<c>-0x1.388p+13</c>).</summary>
public static class MilNumber
{
    public static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryParseFloat(string text, out double value)
    {
        var negative = text.StartsWith('-');
        var body = text.TrimStart('-', '+');
        if (body.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (!TryParseHex(body[2..], out value)) return false;
            if (negative) value = -value;
            return true;
        }
        // Unsigned 64-bit values beyond long (uint64 literals) land here too.
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Hex mantissa with an optional fraction, then an optional binary exponent <c>p±N</c>.</summary>
    private static bool TryParseHex(string s, out double value)
    {
        value = 0;
        var p = s.IndexOfAny(['p', 'P']);
        var mantissa = p < 0 ? s : s[..p];
        var exponent = 0;
        if (p >= 0 && !int.TryParse(s[(p + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
            return false;
        var fractionDigits = 0;
        var seenPoint = false;
        var digits = 0;
        foreach (var c in mantissa)
        {
            if (c == '.')
            {
                if (seenPoint) return false;
                seenPoint = true;
                continue;
            }
            var d = HexDigit(c);
            if (d < 0) return false;
            value = value * 16 + d;
            digits++;
            if (seenPoint) fractionDigits++;
        }
        if (digits == 0) return false;
        value = Math.ScaleB(value, (int)Math.Clamp((long)exponent - 4L * fractionDigits, -2000, 2000));
        return true;
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
