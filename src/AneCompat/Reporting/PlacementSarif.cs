using System.Text.Json;
using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>
/// The SARIF result of a placement-only verdict: a model that every rule lets onto the ANE but that is partial or not
/// compatible because placement (cost, compute units, ANE→GPU) puts eligible work elsewhere. Without it the run
/// would have a bad status and no result at all.
/// </summary>
internal static class PlacementSarif
{
    /// <summary>The placement rule behind most eligible ops that are off the ANE, when the verdict is placement-only; else null.</summary>
    public static string? RuleId(Report report) =>
        report.Reason is { PlacementOnly: true }
            ? report.Ops.Where(o => o.Role == OpRole.Compute && o.Eligible && o.Device != Device.Ane)
                .GroupBy(o => o.ReasonRule ?? "COST-MIN-WORK", StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "COST-MIN-WORK"
            : null;

    public static void WriteRule(Utf8JsonWriter w, string id, string name)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WriteStartObject("shortDescription");
        w.WriteString("text", $"{id}: eligible work placed off the ANE");
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", "Every op can run on the ANE, but placement keeps some of it elsewhere: Core ML's cost model keeps work "
            + "whose CPU time is below the ANE's dispatch overhead on the CPU (COST-MIN-WORK), the plan stays on the GPU after one "
            + "ANE→GPU switch (PART-ANE-GPU), or the compute units exclude the ANE (CU-CONFIG).");
        w.WriteEndObject();
        w.WriteStartObject("help");
        w.WriteString("text", "Fix: give the ANE more work per call (batch inputs, merge small models), or accept CPU placement for small "
            + "models; check Core ML's own plan on a Mac with `anecompat plan-script` and `anecompat compare`. Effect: placement. Confidence: C/G.");
        w.WriteEndObject();
        w.WriteString("helpUri", SarifReportWriter.HelpUri(Rules.Catalog.RuleCatalog.Default.Find(id)?.Section));
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", "warning");
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("effect", "op-to-cpu");
        w.WriteString("confidence", "C/G");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
