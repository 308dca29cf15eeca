using System.Text;

namespace AneCompat.Rules.Catalog;

/// <summary>Human documentation of the catalog: `anecompat explain RULE` text and the generated docs/rules.md.</summary>
public static class CatalogDocs
{
    /// <summary>One rule, shaped like `ruff rule CODE`: what it checks, why it matters, evidence, confidence, chips, fix.</summary>
    public static string Explain(RuleDescriptor r, RuleCatalog catalog)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"{r.Id}: {r.Title}");
        sb.AppendLine();
        sb.AppendLine(r.Internal ? "Origin: ANECompat-internal (not a rule of the fact base)." : $"Origin: ane-rules.md §{r.Section}.");
        sb.AppendLine($"Evaluation: {string.Join(", ", r.Evaluation.Select(Describe))}.");
        sb.AppendLine();
        sb.AppendLine("What it checks");
        sb.AppendLine($"  Applies to: {r.AppliesTo}");
        sb.AppendLine($"  Condition: {r.Condition}");
        sb.AppendLine();
        sb.AppendLine("Why it matters");
        sb.AppendLine($"  Effect: {r.Effect.Label()} (fact base: {r.EffectText})");
        sb.AppendLine($"  Chips / OS: {(r.Chips.Length == 0 ? "-" : r.Chips)}");
        sb.AppendLine($"  Confidence: {r.ConfidenceText} ({r.Confidence.Meaning()})");
        sb.AppendLine();
        sb.AppendLine("Evidence");
        if (r.Sources.Count == 0) sb.AppendLine($"  {r.SourceText}");
        foreach (var code in r.Sources)
            sb.AppendLine($"  {code}: {catalog.Sources.GetValueOrDefault(code, "(not in §6)")}");
        sb.AppendLine();
        sb.AppendLine("Fix");
        sb.AppendLine(r.Fix is null ? "  No fix: nothing in the model to change for this rule." : $"  {r.Fix}");
        if (r.Fix is not null) sb.AppendLine($"  Fix safety: {SafetyMeaning(r.FixSafety)}");
        var ops = catalog.Ops.Where(o => o.Rules.Contains(r.Id)).Select(o => $"{o.Name} ({o.TableLabel})").ToList();
        if (ops.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine($"Op types that carry this rule: {string.Join(", ", ops)}");
        }
        return sb.ToString();
    }

    /// <summary>docs/rules.md: every rule, grouped by section, then the per-op tables' statuses.</summary>
    public static string Markdown(RuleCatalog catalog)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# ANECompat rule catalog");
        sb.AppendLine();
        sb.AppendLine("Generated from the embedded catalog (`anecompat rules --markdown`); do not edit by hand. Ids, conditions, confidence and sources are the fact base's (ane-rules.md); `anecompat explain ID` prints one rule with its evidence expanded.");
        sb.AppendLine();
        sb.AppendLine("Effects: op→CPU, op→GPU, model→CPU/GPU, compile-fail (off the ANE); slow, numeric (stays on the ANE); unknown (no source establishes it). Confidence: A Apple-documented, R reverse-engineered, C community-observed, G guessed/inferred. Evaluation: check (a condition on the file), table (the op type alone), advice (needs runtime facts; documented only).");
        sb.AppendLine();
        foreach (var group in catalog.Rules.GroupBy(r => r.Section))
        {
            sb.AppendLine(group.Key == "internal" ? "## ANECompat-internal rules" : $"## §{group.Key}");
            sb.AppendLine();
            sb.AppendLine("| id | title | effect | conf | evaluation | chips / OS | fix (safety) |");
            sb.AppendLine("|---|---|---|---|---|---|---|");
            foreach (var r in group)
                sb.AppendLine($"| {r.Id} | {Cell(r.Title)} | {r.Effect.Label()} | {Cell(r.ConfidenceText)} | {string.Join(", ", r.Evaluation.Select(e => e.ToString().ToLowerInvariant()))} | {Cell(r.Chips)} | {Cell(r.Fix is null ? "-" : $"{r.Fix} ({r.FixSafety})")} |");
            sb.AppendLine();
        }
        foreach (var table in Enum.GetValues<OpTable>())
        {
            var rows = catalog.Table(table).ToList();
            sb.AppendLine($"## {rows[0].TableLabel} statuses ({rows.Count})");
            sb.AppendLine();
            sb.AppendLine("| type | kind | status | conf | rules |");
            sb.AppendLine("|---|---|:-:|:-:|---|");
            foreach (var o in rows)
                sb.AppendLine($"| `{o.Name}` | {o.Kind} | {o.StatusCode} | {o.ConfidenceText} | {string.Join(", ", o.Rules)} |");
            sb.AppendLine();
        }
        sb.AppendLine($"## Model types ({catalog.ModelTypes.Count})");
        sb.AppendLine();
        sb.AppendLine("| type | family | status | rules | note |");
        sb.AppendLine("|---|---|:-:|---|---|");
        foreach (var t in catalog.ModelTypes)
            sb.AppendLine($"| `{t.Type}` | {t.Family} | {t.Status} | {string.Join(", ", t.Rules)} | {Cell(t.Notes)} |");
        return sb.ToString().ReplaceLineEndings("\n");
    }

    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");

    private static string Describe(RuleEvaluation e) => e switch
    {
        RuleEvaluation.Check => "checked on the model's attributes, shapes, types or description",
        RuleEvaluation.Table => "asserted by the op type's status-table row",
        RuleEvaluation.Engine => "produced by the engine",
        _ => "advice only (needs runtime facts the file does not hold)",
    };


    private static string SafetyMeaning(string? safety) => safety switch
    {
        "safe" => "safe (the rewrite keeps the model's results)",
        "unsafe" => "unsafe (changes numerics or semantics; validate the outputs)",
        "manual" => "manual (needs re-conversion or re-authoring of the source model)",
        _ => "not stated",
    };
}
