using System.Globalization;
using System.Text;

namespace AneCompat.Diagnostics;

/// <summary>
/// Makes names read from untrusted files (file names, op names, paths inside a model) safe to print on one terminal
/// or CI-log line: control characters cannot move the cursor, start escape sequences, break the line or reorder what
/// follows. The one helper every text writer uses for such names.
/// </summary>
public static class SafeText
{
    /// <summary>
    /// True for characters that must not reach a terminal raw: C0 controls and DEL, C1 controls (U+0080–U+009F, which
    /// include NEL and the 8-bit CSI), line and paragraph separators, bidirectional marks, embeddings, overrides and
    /// isolates (U+200E/F, U+061C, U+202A–U+202E, U+2066–U+2069), and unpaired surrogates.
    /// </summary>
    public static bool NeedsEscape(char c) =>
        c < 0x20 || c is >= '\u007f' and <= '\u009f'
        || c is '\u2028' or '\u2029' or '\u200e' or '\u200f' or '\u061c'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>
    /// The text with every character of <see cref="NeedsEscape"/> (and unpaired surrogates) written as a visible
    /// escape: <c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\e</c> for ESC, otherwise <c>\u{XXXX}</c>. Other text, including
    /// non-Latin letters and backslashes, is unchanged, so ordinary names print as they are.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var i = IndexOfUnsafe(text);
        if (i < 0) return text;
        var sb = new StringBuilder(text.Length + 16);
        sb.Append(text, 0, i);
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }
            if (!NeedsEscape(c) && !char.IsSurrogate(c)) { sb.Append(c); continue; }
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u001b' => "\\e",
                _ => "\\u{" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) + "}",
            });
        }
        return sb.ToString();
    }

    /// <summary>
    /// <see cref="Escape"/> and, when longer than <paramref name="maxLength"/>, cut with the original length named —
    /// for quoting a value from a file inside an error line, which must stay one readable line.
    /// </summary>
    public static string Quote(string? text, int maxLength = 200)
    {
        text ??= "";
        var cut = text.Length > maxLength ? text[..maxLength] : text;
        var escaped = Escape(cut);
        return text.Length > maxLength ? $"{escaped}… ({text.Length} characters)" : escaped;
    }

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (NeedsEscape(c)) return i;
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return i;
            }
        }
        return -1;
    }
}
