using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Planning;
using AneCompat.Reporting;

namespace AneCompat.Comparison.PlanComparison;

/// <summary>Writes a <see cref="PlanComparisonResult"/> as text (for people) or JSON (docs/compute-plan.md).</summary>
public static class PlanComparisonWriter
{
    public static void WriteText(PlanComparisonResult c, TextWriter w)
    {
        var r = c.Report;
        w.WriteLine($"{Path.GetFileName(r.Model.Path.TrimEnd('/', '\\'))} — ours: target {r.Target.Name}, compute units {r.ComputeUnits.ToName()}; "
            + $"Core ML's plan: {c.Plan.Source}{Described(c.Plan)}");
        w.WriteLine($"  matched {c.Ops.Count - c.Unmatched} of {c.Ops.Count} plan ops; {c.Overall.PlacementOf} compute ops compared");
        w.WriteLine($"  placement (ours vs preferred device): {Fraction(c.Overall.Placement, c.Overall.PlacementOf)}");
        w.WriteLine($"  eligibility (ours vs ANE among supported devices): {Fraction(c.Overall.Eligibility, c.Overall.EligibilityOf)}");
        if (c.Kinds.Count > 0)
        {
            w.WriteLine("  by op kind:");
            var width = Math.Max(8, c.Kinds.Max(k => k.Kind.Length));
            foreach (var k in c.Kinds)
                w.WriteLine($"    {k.Kind.PadRight(width)}  placement {Fraction(k.Placement, k.PlacementOf),-16}  eligibility {Fraction(k.Eligibility, k.EligibilityOf)}");
        }
        var disagreements = c.Disagreements.ToList();
        if (disagreements.Count == 0) w.WriteLine("  no disagreement");
        else
        {
            w.WriteLine($"  disagreements ({disagreements.Count}):");
            foreach (var d in disagreements) w.WriteLine("    " + Describe(d));
        }
        if (c.Unmatched > 0)
            w.WriteLine($"  unmatched plan ops: {string.Join(", ", c.Ops.Where(o => o.Ours is null).Take(8).Select(o => $"#{o.Observed.Position} {o.Observed.Type}"))}{(c.Unmatched > 8 ? ", …" : "")}");
    }

    /// <summary>One line: the op, both answers, and the rule and cost figures behind ours.</summary>
    public static string Describe(OpAgreement d)
    {
        var o = d.Ours!;
        var theirs = $"Core ML {Label(d.Observed.Preferred)} (supported {(d.Observed.Supported.Count == 0 ? "?" : string.Join(", ", d.Observed.Supported.Select(s => s.ToLabel())))})";
        var ours = $"ours {Label(o.Device)} ({(o.Eligible ? "eligible" : "not eligible")})";
        var what = new List<string>();
        if (d.PlacementAgrees == false) what.Add("placement");
        if (d.EligibilityAgrees == false) what.Add("eligibility");
        var cost = o.Region is { } g ? $"; cost: CPU {(g.CpuUs is double cpu ? $"≈{RegionEstimate.Ms(cpu)} ms" : "unknown")} vs {g.Candidate.ToLabel()} ≈{RegionEstimate.Ms(g.CandidateUs)} ms, {Confidence(g.Confidence)} confidence" : "";
        var rule = o.ReasonRule is null ? "" : $" [{o.ReasonRule}]";
        return $"#{o.Index} {o.Kind} '{o.DisplayName}': {string.Join(" and ", what)} {(what.Count > 1 ? "differ" : "differs")} — {ours} vs {theirs}; because: {o.Reason}{rule}{cost}";
    }

    public static void WriteJson(PlanComparisonResult c, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var r = c.Report;
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 1);
        w.WriteString("model", r.Model.Path);
        w.WriteString("plan", c.Plan.Source);
        w.WriteStartObject("ours");
        w.WriteString("target", r.Target.Name);
        w.WriteString("computeUnits", r.ComputeUnits.ToName());
        w.WriteEndObject();
        w.WriteStartObject("coreMl");
        w.WriteStringOrNull("computeUnits", c.Plan.ComputeUnits);
        w.WriteStringOrNull("os", c.Plan.Os);
        w.WriteStringOrNull("chip", c.Plan.Chip);
        w.WriteEndObject();
        w.WriteNumber("planOps", c.Ops.Count);
        w.WriteNumber("matched", c.Ops.Count - c.Unmatched);
        WriteCount(w, "overall", c.Overall);
        w.WriteStartArray("kinds");
        foreach (var k in c.Kinds) { w.WriteStartObject(); w.WriteString("kind", k.Kind); WriteCountBody(w, k); w.WriteEndObject(); }
        w.WriteEndArray();
        w.WriteStartArray("ops");
        foreach (var o in c.Ops)
        {
            w.WriteStartObject();
            w.WriteNumber("position", o.Observed.Position);
            w.WriteString("planType", o.Observed.Type);
            w.WriteStringOrNull("planName", o.Observed.Name);
            w.WriteStringOrNull("preferred", o.Observed.Preferred?.ToName());
            w.WriteStrings("supported", o.Observed.Supported.Select(s => s.ToName()));
            if (o.Observed.Cost is double cost) w.WriteNumber("cost", cost); else w.WriteNull("cost");
            if (o.Ours is { } ours)
            {
                w.WriteStartObject("ours");
                w.WriteNumber("index", ours.Index);
                w.WriteString("kind", ours.Kind);
                w.WriteStringOrNull("name", ours.Name);
                w.WriteString("role", ours.Role.ToName());
                w.WriteStringOrNull("device", ours.Device?.ToName());
                w.WriteBoolean("eligible", ours.Eligible);
                w.WriteString("reason", ours.Reason);
                w.WriteStringOrNull("reasonRule", ours.ReasonRule);
                if (ours.Region is { } g)
                {
                    if (g.CpuUs is double cpu) w.WriteNumber("cpuMs", Math.Round(cpu / 1000, 4)); else w.WriteNull("cpuMs");
                    w.WriteString("candidate", g.Candidate.ToName());
                    w.WriteNumber("candidateMs", Math.Round(g.CandidateUs / 1000, 4));
                    w.WriteString("confidence", Confidence(g.Confidence));
                }
                w.WriteEndObject();
            }
            else w.WriteNull("ours");
            w.WriteBooleanOrNull("placementAgrees", o.PlacementAgrees);
            w.WriteBooleanOrNull("eligibilityAgrees", o.EligibilityAgrees);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStrings("disagreements", c.Disagreements.Select(d => Describe(d)));
        w.WriteEndObject();
    }

    private static void WriteCount(Utf8JsonWriter w, string name, AgreementCount k)
    {
        w.WriteStartObject(name);
        WriteCountBody(w, k);
        w.WriteEndObject();
    }

    private static void WriteCountBody(Utf8JsonWriter w, AgreementCount k)
    {
        w.WriteNumber("placementAgree", k.Placement);
        w.WriteNumber("placementOf", k.PlacementOf);
        if (k.PlacementFraction is double p) w.WriteNumber("placementFraction", Math.Round(p, 6)); else w.WriteNull("placementFraction");
        w.WriteNumber("eligibilityAgree", k.Eligibility);
        w.WriteNumber("eligibilityOf", k.EligibilityOf);
        if (k.EligibilityFraction is double e) w.WriteNumber("eligibilityFraction", Math.Round(e, 6)); else w.WriteNull("eligibilityFraction");
    }


    private static string Described(ObservedPlan p)
    {
        var parts = new[] { p.Chip, p.Os, p.ComputeUnits is null ? null : "compute units " + p.ComputeUnits }.Where(x => x is not null).ToList();
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    private static string Fraction(int n, int of) =>
        of == 0 ? "n/a" : $"{n}/{of} agree ({(100.0 * n / of).ToString("0.#", CultureInfo.InvariantCulture)} %)";

    private static string Label(Device? d) => d?.ToLabel() ?? "none";

    private static string Confidence(PlacementConfidence c) => c switch
    {
        PlacementConfidence.High => "high",
        PlacementConfidence.Low => "low",
        _ => "unknown",
    };
}
