using System.CommandLine;
using System.Text;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat explain NAME</c>: one rule in full, like <c>ruff rule CODE</c> — or one op type (a MIL op, a
/// NeuralNetwork or espresso layer, a model type): its ANE status, the conditions (rules) it carries and the sources.
/// </summary>
public static class ExplainCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("NAME") { Description = "A rule id such as CONV-KW (see anecompat rules), or an op or layer type such as conv, ios17.conv, innerProduct or pipelineClassifier." };
        var cmd = new Command("explain", "Explain one rule (what it checks, why, evidence, confidence, chips, fix) or one op/layer type (its ANE status, conditions and sources).") { id };
        cmd.SetAction(parse =>
        {
            var catalog = RuleCatalog.Default;
            var wanted = parse.GetValue(id)!.Trim();
            var output = parse.InvocationConfiguration.Output;
            var rule = catalog.Find(wanted) ?? catalog.Find(wanted.ToUpperInvariant());
            if (rule is not null)
            {
                output.Write(CatalogDocs.Explain(rule, catalog));
                return ExitCodes.FullyCompatible;
            }
            var ops = FindOps(catalog, wanted);
            var types = catalog.ModelTypes.Where(t => string.Equals(t.Type, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (ops.Count > 0 || types.Count > 0)
            {
                output.Write(ExplainOps(wanted, ops, types, catalog));
                return ExitCodes.FullyCompatible;
            }
            var names = catalog.Rules.Select(r => r.Id).Concat(catalog.Ops.Select(o => o.Name)).Concat(catalog.ModelTypes.Select(t => t.Type)).Distinct();
            var close = NearestName.Closest(wanted, names);
            parse.InvocationConfiguration.Error.WriteLine(
                $"anecompat: no rule, op or layer type '{wanted}'" + (close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : "; see anecompat rules"));
            return ExitCodes.InputError;
        });
        return cmd;
    }

    /// <summary>Up to three rule ids by edit distance (plus ids containing the query), nearest first.</summary>
    internal static List<string> Closest(string query, IEnumerable<string> ids) => NearestName.Closest(query, ids);

    /// <summary>Rows of every op table named <paramref name="name"/>: exactly, else case-insensitively, else without an opset prefix.</summary>
    internal static List<OpEntry> FindOps(RuleCatalog catalog, string name)
    {
        var exact = catalog.Ops.Where(o => o.Name == name).ToList();
        if (exact.Count > 0) return exact;
        var folded = catalog.Ops.Where(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (folded.Count > 0) return folded;
        var dot = name.IndexOf('.');
        return dot > 0 && dot < name.Length - 1 ? FindOps(catalog, name[(dot + 1)..]) : new List<OpEntry>();
    }

    private static string ExplainOps(string query, IReadOnlyList<OpEntry> ops, IReadOnlyList<ModelTypeEntry> types, RuleCatalog catalog)
    {
        var sb = new StringBuilder();
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var o in ops)
        {
            if (sb.Length > 0) sb.AppendLine();
            sb.AppendLine($"{o.Name} ({o.TableLabel}): {StatusText(o.Status)}");
            sb.AppendLine();
            sb.AppendLine($"  Status: {o.StatusCode} — {StatusMeaning(o.Status)}");
            sb.AppendLine($"  Confidence: {(o.ConfidenceText.Length == 0 ? "-" : o.ConfidenceText)} ({o.Confidence.Meaning()})");
            if (o.Kind != o.Name) sb.AppendLine($"  Graph kind: {o.Kind}");
            sb.AppendLine();
            sb.AppendLine("Conditions");
            if (o.Rules.Count == 0) sb.AppendLine("  The status table names no rule for this type; the global rules (precision, shapes, rank and dimension caps) apply to every op.");
            foreach (var id in o.Rules)
                sb.AppendLine(catalog.Find(id) is { } r ? $"  {r.Id}: {r.Title} — {r.Condition} ({r.Effect.Label()})" : $"  {id}");
            if (o.Notes.Length > 0) sb.AppendLine($"  Notes: {o.Notes}");
            var naming = catalog.Rules.Where(r => !o.Rules.Contains(r.Id) && (r.AppliesTo.Contains($"`{o.Name}`", StringComparison.Ordinal) || r.AppliesTo.Contains($"`{o.Kind}`", StringComparison.Ordinal))).ToList();
            if (naming.Count > 0)
            {
                sb.AppendLine("  Rules whose scope names this type:");
                foreach (var r in naming) sb.AppendLine($"    {r.Id}: {r.Title} ({r.Effect.Label()}; see anecompat explain {r.Id})");
            }
            sources.UnionWith(o.Evidence);
        }
        foreach (var t in types)
        {
            if (sb.Length > 0) sb.AppendLine();
            sb.AppendLine($"{t.Type} (model type, {t.Family}): {t.Status switch { "N" => "not on the ANE by design", "U" => "unknown", _ => "judged op by op" }}");
            sb.AppendLine($"  Confidence: {t.Confidence.Meaning()}");
            foreach (var id in t.Rules)
                sb.AppendLine(catalog.Find(id) is { } r ? $"  {r.Id}: {r.Title} — {r.Condition} ({r.Effect.Label()})" : $"  {id}");
            if (t.Notes.Length > 0) sb.AppendLine($"  Notes: {t.Notes}");
        }
        if (sources.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Sources");
            foreach (var code in sources)
                sb.AppendLine($"  {code}: {catalog.Sources.GetValueOrDefault(code, "(not in the fact base's source list)")}");
        }
        return sb.ToString();
    }

    private static string StatusText(OpStatus s) => s switch
    {
        OpStatus.Supported => "runs on the ANE",
        OpStatus.Conditional => "runs on the ANE under conditions",
        OpStatus.Unsupported => "not on the ANE",
        OpStatus.Folded => "folded away before it runs",
        OpStatus.Host => "runs on the host CPU by nature",
        _ => "unknown",
    };

    private static string StatusMeaning(OpStatus s) => s switch
    {
        OpStatus.Supported => "runs on the ANE in normal use (fp16, static shapes, within the dimension limits)",
        OpStatus.Conditional => "on the ANE only under the conditions below or on some chip generations",
        OpStatus.Unsupported => "not on the ANE (CPU, sometimes GPU)",
        OpStatus.Folded => "folded away at conversion, compile or load time (placement-neutral)",
        OpStatus.Host => "host/CPU by nature",
        _ => "unknown: no source establishes where it runs",
    };

}
