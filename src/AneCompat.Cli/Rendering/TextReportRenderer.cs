using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Rules;
using Spectre.Console;

namespace AneCompat.Cli.Rendering;

/// <summary>
/// The default text answer: a one-line verdict, the segments, then the findings grouped by rule with counts and fix
/// hints, then notes and reading warnings.
/// </summary>
public static class TextReportRenderer
{
    public static void Write(Report r, TextWriter writer)
    {
        var console = ConsoleFactory.Create(writer);
        // The verdict is one line whatever the width: only a terminal gets it through Spectre (for colour).
        if (ConsoleFactory.ShouldUseColor(writer)) console.MarkupLine(Verdict(r));
        else writer.WriteLine(Markup.Remove(Verdict(r)));
        if (r.Status != CompatibilityStatus.FullyCompatible && r.Reason is { PlacementOnly: false } why)
            writer.WriteLine($"  why: {why.Text}");
        writer.WriteLine($"  eligible for the ANE: {Pct(r.Eligibility.OpsFraction)} of compute ops ({r.Eligibility.Ops}/{r.Eligibility.OfOps}), {Pct(r.Eligibility.FlopsFraction)} of known FLOPs; " +
                          $"predicted on the ANE: {Pct(r.Placement.OpsFraction)} of ops, {Pct(r.Placement.FlopsFraction)} of FLOPs");
        writer.WriteLine($"  {r.Segments.Count} segment(s), {r.Switches} device switch(es): ≈{r.EstimatedSwitchMs:0.###} ms at {PlacementHeuristics.BoundaryCostMs} ms per boundary, plus {Bytes(r.CopyBytes)} copied");

        if (r.Segments.Count > 0)
        {
            var t = new Table().Title("Segments").AddColumns("#", "device", "function", "ops", "count", "FLOPs", "tensors in from other devices");
            foreach (var s in r.Segments)
            {
                var range = s.FirstOp is null ? $"member {s.Member}" : $"#{s.FirstOp}–#{s.LastOp}";
                var inputs = s.Inputs.Count == 0 ? "" : string.Join(", ", s.Inputs.Take(4).Select(i => $"{i.Name} ({Bytes(i.Bytes)})"))
                    + (s.Inputs.Count > 4 ? $", … {s.Inputs.Count - 4} more" : "");
                t.AddRow(new Markup(s.Index.ToString()), new Markup(DeviceMarkup(s.Device)), Text(s.Function), Text(range),
                    Text(s.OpCount.ToString()), Text(s.Flops is long f ? Planner.FormatFlops(f) : "?"), Text(inputs));
            }
            console.Write(t);
        }

        if (r.Rules.Count > 0 && console.Profile.Width < WideTable)
            WriteFindingList(r, console);
        else if (r.Rules.Count > 0)
        {
            // Rule ids and effects are never broken across lines (a reader greps and copies them); prose columns wrap.
            var t = new Table().Title("Findings by rule")
                .AddColumns(new TableColumn("rule").NoWrap(), new TableColumn("effect").NoWrap(), new TableColumn("conf.").NoWrap(),
                    new TableColumn("count"), new TableColumn("ops"), new TableColumn("what"), new TableColumn("fix"));
            foreach (var rule in r.Rules)
            {
                var ops = rule.OpIndices.Count == 0 ? "model" : string.Join(", ", rule.OpIndices.Take(5).Select(i => "#" + i)) + (rule.OpIndices.Count > 5 ? ", …" : "");
                t.AddRow(Text(rule.RuleId), Text(rule.Effect.Label()), Text(rule.Confidence.Label()), Text(rule.Count.ToString()), Text(ops), Text(rule.Message), Text(rule.Fix ?? ""));
            }
            console.Write(t);
        }
        else console.WriteLine("No findings.");

        foreach (var n in r.Notes) console.WriteLine("note: " + SafeText.Escape(n));
        foreach (var w in r.Warnings) console.WriteLine($"warning: {w.Code}: {SafeText.Escape(w.Message)}");
    }

    /// <summary>Below this width the findings table's prose columns would wrap a few letters a line: a list instead.</summary>
    private const int WideTable = 120;

    /// <summary>
    /// Findings at a narrow width (an 80-column terminal, COLUMNS=80): one heading line per rule — id, effect,
    /// confidence, count, ops, never broken — then what and fix, wrapped and indented.
    /// </summary>
    private static void WriteFindingList(Report r, IAnsiConsole console)
    {
        var width = console.Profile.Width;
        console.WriteLine("Findings by rule");
        foreach (var rule in r.Rules)
        {
            var ops = rule.OpIndices.Count == 0 ? "model" : string.Join(", ", rule.OpIndices.Take(5).Select(i => "#" + i)) + (rule.OpIndices.Count > 5 ? ", …" : "");
            console.WriteLine($"{rule.RuleId}  {rule.Effect.Label()}  conf. {rule.Confidence.Label()}  ×{rule.Count}  {ops}");
            Indented(console, "what: ", rule.Message, width);
            if (!string.IsNullOrEmpty(rule.Fix)) Indented(console, "fix:  ", rule.Fix, width);
        }
    }

    private static void Indented(IAnsiConsole console, string label, string text, int width)
    {
        var lines = Help.HelpLayout.Wrap(text, Math.Max(20, width - 10));
        for (var i = 0; i < lines.Count; i++) console.WriteLine((i == 0 ? "    " + label : "          ") + lines[i]);
    }

    /// <summary>The matrix for <c>--target all</c>: one row per chip.</summary>
    public static void WriteMatrix(IReadOnlyList<Report> reports, TextWriter writer)
    {
        var console = ConsoleFactory.Create(writer);
        var first = reports[0];
        console.WriteLine($"{SafeText.Escape(first.Model.Path)} (compute units {first.ComputeUnits.ToName()})");
        var t = new Table().AddColumns("target", "ANE gen", "status", "on ANE", "eligible", "segments", "switches");
        foreach (var r in reports)
            t.AddRow(Text(r.Target.Name), Text(r.Target.Generation.ToString().ToLowerInvariant()), new Markup(StatusMarkup(r.Status)),
                Text($"{r.Placement.Ops}/{r.Placement.OfOps}"), Text($"{r.Eligibility.Ops}/{r.Eligibility.OfOps}"),
                Text(r.Segments.Count.ToString()), Text(r.Switches.ToString()));
        console.Write(t);
        var worst = reports.Max(r => r.Status);
        console.WriteLine($"worst: {(int)worst} {worst.ToName()}");
    }

    public static string Verdict(Report r)
    {
        var name = SafeText.Escape(Path.GetFileName(r.Model.Path.TrimEnd('/', '\\')));
        // A placement-only verdict may come with no finding at all: the verdict itself says why.
        return $"{StatusMarkup(r.Status)} — {Markup.Escape(name)} on {Markup.Escape(r.Target.Name)} (compute units {r.ComputeUnits.ToName()}): " +
               $"{r.Placement.Ops} of {r.Placement.OfOps} compute ops predicted on the ANE" +
               (r.Reason is { PlacementOnly: true } ? $" — {Markup.Escape(SafeText.Escape(r.StatusReason!))}" : "");
    }

    private static string StatusMarkup(CompatibilityStatus s) => s switch
    {
        CompatibilityStatus.FullyCompatible => "[green]0 fully compatible[/]",
        CompatibilityStatus.Partial => "[yellow]1 partially compatible[/]",
        _ => "[red]2 not compatible[/]",
    };

    private static string DeviceMarkup(Device d) => d switch
    {
        Device.Ane => "[green]ANE[/]",
        Device.Gpu => "[darkorange]GPU[/]",
        _ => "[blue]CPU[/]",
    };

    // Names and messages come from the model (op, function, file names): control characters are escaped so they
    // cannot move the cursor, recolour the terminal or forge a line.
    private static Text Text(string s) => new(SafeText.Escape(s));

    private static string Pct(double? f) => f is double v ? $"{v * 100:0.#} %" : "n/a";

    private static string Bytes(long? b) => b switch
    {
        null => "size unknown",
        >= 1 << 20 => $"{b / 1048576.0:0.##} MiB",
        >= 1 << 10 => $"{b / 1024.0:0.#} KiB",
        _ => $"{b} B",
    };
}
