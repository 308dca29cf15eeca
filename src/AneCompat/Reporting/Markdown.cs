namespace AneCompat.Reporting;

/// <summary>Escaping for GitHub-flavoured markdown tables and code spans (step summaries, PR comments).</summary>
public static class Markdown
{
    /// <summary>Rows of one table in a step summary; GitHub truncates summaries over 1 MiB, so long lists are cut.</summary>
    public const int MaxRows = 200;

    /// <summary>Text for a table cell: one line, pipes and markup characters escaped.</summary>
    public static string Cell(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var c in text.ReplaceLineEndings(" "))
        {
            if (c is '|' or '\\' or '*' or '_' or '`' or '<' or '>' or '[' or ']' or '#') sb.Append('\\');
            if (!char.IsControl(c)) sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>Text inside a `code span` (backticks and pipes cannot be escaped there, so they are replaced).</summary>
    public static string Code(string text) =>
        new string(text.ReplaceLineEndings(" ").Where(c => !char.IsControl(c)).Select(c => c is '`' ? '\'' : c is '|' ? '¦' : c).ToArray());
}
