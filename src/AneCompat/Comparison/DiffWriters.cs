using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;

namespace AneCompat.Comparison;

/// <summary><c>anecompat diff</c> as text, markdown (a CI step summary or PR comment) and JSON (HTML: <see cref="DiffHtmlWriter"/>).</summary>
public static class DiffWriters
{
    private static string Dev(Device? d) => d switch { Device.Ane => "ANE", Device.Cpu => "CPU", Device.Gpu => "GPU", _ => "none" };

    private static string Share(Share s) => $"{s.Ops}/{s.OfOps}";

    private static string Verdict(ReportDiff d) =>
        d.IsUnchanged ? "no change" : d.IsRegression ? "REGRESSION" : "no regression";

    public static void WriteText(ReportDiff d, TextWriter w)
    {
        w.WriteLine($"{Verdict(d)}: {d.OldStatus.ToName()} → {d.NewStatus.ToName()} on {d.Target}; compute ops on the ANE {Share(d.OldPlacement)} → {Share(d.NewPlacement)}");
        w.WriteLine($"  old: {d.OldModel}");
        w.WriteLine($"  new: {d.NewModel}");
        Section(w, "moved off the ANE", d.MovedOffAne.Select(m => $"{m.Op} ({m.Kind}): {Dev(m.From)} → {Dev(m.To)}"));
        Section(w, "moved onto the ANE", d.MovedOntoAne.Select(m => $"{m.Op} ({m.Kind}): {Dev(m.From)} → {Dev(m.To)}"));
        Section(w, "new findings", d.NewFindings.Select(f => $"{f.RuleId} {f.Effect.Label()} on {Where(f)}: {f.Message}"));
        Section(w, "gone findings", d.GoneFindings.Select(f => $"{f.RuleId} {f.Effect.Label()} on {Where(f)}"));
        if (d.AddedOps.Count + d.RemovedOps.Count > 0)
            w.WriteLine($"ops: {d.AddedOps.Count} added, {d.RemovedOps.Count} removed");
    }

    private static string Where(FindingChange f) => f.Op.Length == 0 ? "the model" : f.Op;

    private static void Section(TextWriter w, string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0) return;
        w.WriteLine($"{title} ({list.Count}):");
        foreach (var l in list) w.WriteLine("  " + l);
    }

    public static void WriteMarkdown(ReportDiff d, TextWriter w)
    {
        w.WriteLine($"### ANECompat diff: {(d.IsRegression ? "❌ regression" : d.IsUnchanged ? "✅ no change" : "✅ no regression")}");
        w.WriteLine();
        w.WriteLine("| | old | new |");
        w.WriteLine("|---|---|---|");
        w.WriteLine($"| model | `{Markdown.Code(Path.GetFileName(d.OldModel))}` | `{Markdown.Code(Path.GetFileName(d.NewModel))}` |");
        w.WriteLine($"| status on {d.Target} | {d.OldStatus.ToName()} | {d.NewStatus.ToName()} |");
        w.WriteLine($"| compute ops on the ANE | {Share(d.OldPlacement)} | {Share(d.NewPlacement)} |");
        w.WriteLine();
        Table(w, "Moved off the ANE", "| op | kind | from | to |", d.MovedOffAne.Select(m => $"| `{Markdown.Code(m.Op)}` | {Markdown.Cell(m.Kind)} | {Dev(m.From)} | {Dev(m.To)} |"));
        Table(w, "Moved onto the ANE", "| op | kind | from | to |", d.MovedOntoAne.Select(m => $"| `{Markdown.Code(m.Op)}` | {Markdown.Cell(m.Kind)} | {Dev(m.From)} | {Dev(m.To)} |"));
        Table(w, "New findings", "| rule | effect | op | message |", d.NewFindings.Select(f => $"| {f.RuleId} | {f.Effect.Label()} | {Markdown.Cell(Where(f))} | {Markdown.Cell(f.Message)} |"));
        Table(w, "Gone findings", "| rule | effect | op | message |", d.GoneFindings.Select(f => $"| {f.RuleId} | {f.Effect.Label()} | {Markdown.Cell(Where(f))} | {Markdown.Cell(f.Message)} |"));
        if (d.AddedOps.Count + d.RemovedOps.Count > 0)
            w.WriteLine($"Ops: {d.AddedOps.Count} added, {d.RemovedOps.Count} removed.");
    }

    private static void Table(TextWriter w, string title, string header, IEnumerable<string> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0) return;
        w.WriteLine($"#### {title} ({list.Count})");
        w.WriteLine();
        w.WriteLine(header);
        var columns = header.Count(c => c == '|') - 1;
        w.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", columns)));
        foreach (var r in list.Take(Markdown.MaxRows)) w.WriteLine(r);
        if (list.Count > Markdown.MaxRows) w.WriteLine($"| … {list.Count - Markdown.MaxRows} more |" + string.Concat(Enumerable.Repeat(" |", columns - 1)));
        w.WriteLine();
    }

    public static void WriteJson(ReportDiff d, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        WriteJson(d, w);
    }

    /// <summary>The diff document into <paramref name="w"/> (the HTML diff embeds it beside the two reports).</summary>
    internal static void WriteJson(ReportDiff d, Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("old", d.OldModel);
        w.WriteString("new", d.NewModel);
        w.WriteString("target", d.Target);
        w.WriteString("oldStatus", d.OldStatus.ToName());
        w.WriteString("newStatus", d.NewStatus.ToName());
        w.WriteBoolean("regression", d.IsRegression);
        w.WriteBoolean("unchanged", d.IsUnchanged);
        w.WriteStartObject("aneOps");
        w.WriteNumber("old", d.OldPlacement.Ops);
        w.WriteNumber("oldOf", d.OldPlacement.OfOps);
        w.WriteNumber("new", d.NewPlacement.Ops);
        w.WriteNumber("newOf", d.NewPlacement.OfOps);
        w.WriteEndObject();
        Moves(w, "movedOffAne", d.MovedOffAne);
        Moves(w, "movedOntoAne", d.MovedOntoAne);
        Findings(w, "newFindings", d.NewFindings);
        Findings(w, "goneFindings", d.GoneFindings);
        w.WriteStrings("addedOps", d.AddedOps);
        w.WriteStrings("removedOps", d.RemovedOps);
        w.WriteEndObject();
    }

    private static void Moves(Utf8JsonWriter w, string name, IEnumerable<OpMove> moves)
    {
        w.WriteStartArray(name);
        foreach (var m in moves)
        {
            w.WriteStartObject();
            w.WriteString("op", m.Op);
            w.WriteString("kind", m.Kind);
            w.WriteString("from", Dev(m.From).ToLowerInvariant());
            w.WriteString("to", Dev(m.To).ToLowerInvariant());
            w.WriteNumber("oldIndex", m.OldIndex);
            w.WriteNumber("newIndex", m.NewIndex);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Findings(Utf8JsonWriter w, string name, IEnumerable<FindingChange> findings)
    {
        w.WriteStartArray(name);
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("rule", f.RuleId);
            w.WriteString("op", f.Op);
            w.WriteString("effect", ReportNames.EffectName(f.Effect));
            w.WriteString("message", f.Message);
            if (f.OpIndex is { } i) w.WriteNumber("opIndex", i); else w.WriteNull("opIndex");
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
