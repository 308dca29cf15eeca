using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Rules;

namespace AneCompat.Reporting;

/// <summary>
/// <c>--format sarif</c>: SARIF 2.1.0 that GitHub code scanning accepts. One result per finding; each result points
/// at the model file (artifactLocation) and names the op (logicalLocation). Rule descriptors come from the findings
/// themselves (rule id, effect, first message, fix hint, sources), so the file needs no help URI. A folder of models is
/// one log with one run whose results cover every model.
/// </summary>
public static class SarifReportWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The rule that reports a model of a folder that could not be read, so code scanning shows it.</summary>
    public const string ReadErrorRuleId = "READ-ERROR";

    /// <param name="artifactUri">How results name the model file; defaults to <see cref="ArtifactUri"/> of the report's model path.</param>
    public static void Write(Report report, Stream stream, string? artifactUri = null)
    {
        var uri = artifactUri ?? ArtifactUri(report.Model.Path, Environment.CurrentDirectory);
        WriteLog(stream, report.ToolVersion, new[] { (report, uri) }, Array.Empty<(UnreadableModel, string)>(),
            report.Target, report.ComputeUnits, (int)report.Status);
    }

    /// <summary>
    /// One run over every model of a folder: results of all models (each pointing at its own model file), rules
    /// merged by id, and a <see cref="ReadErrorRuleId"/> error for each unreadable model.
    /// </summary>
    /// <param name="baseDir">Folder that artifact URIs are relative to (see <see cref="ArtifactUri"/>); defaults to the working folder.</param>
    public static void Write(FolderReport folder, Stream stream, string? baseDir = null)
    {
        var dir = baseDir ?? Environment.CurrentDirectory;
        WriteLog(stream, ReportBuilder.ToolVersion,
            folder.Models.Select(r => (r, ArtifactUri(r.Model.Path, dir))).ToList(),
            folder.Unreadable.Select(u => (u, ArtifactUri(u.Path, dir))).ToList(),
            folder.Target, folder.ComputeUnits, folder.WorstExitCode);
    }

    /// <param name="status">runs[].properties.status: the model's status, or a folder's worst exit code.</param>
    private static void WriteLog(Stream stream, string toolVersion, IReadOnlyList<(Report Report, string Uri)> models,
        IReadOnlyList<(UnreadableModel Model, string Uri)> unreadable, Targets.ChipProfile target, Planning.ComputeUnits units, int status)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        // A rule seen in several models is described once, from the first model that uses it.
        var rules = models.SelectMany(m => m.Report.Rules).DistinctBy(r => r.RuleId, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((r, i) => (r.RuleId, i)).ToDictionary(x => x.RuleId, x => x.i, StringComparer.Ordinal);
        // A model that is partial or not compatible only because of placement has no finding that says so: it gets
        // one result under the placement rule behind it (COST-MIN-WORK …), described here unless a finding already is.
        var placementRules = models.Select(m => PlacementSarif.RuleId(m.Report)).OfType<string>()
            .Where(id => !ruleIndex.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in placementRules) ruleIndex[id] = ruleIndex.Count;

        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "anecompat");
        w.WriteString("version", toolVersion);
        w.WriteString("semanticVersion", toolVersion);
        w.WriteStartArray("rules");
        foreach (var rule in rules) WriteRule(w, rule);
        foreach (var id in placementRules) PlacementSarif.WriteRule(w, id, RuleName(id));
        if (unreadable.Count > 0) WriteReadErrorRule(w);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("artifacts");
        foreach (var uri in models.Select(m => m.Uri).Concat(unreadable.Select(u => u.Uri)))
        {
            w.WriteStartObject();
            w.WriteStartObject("location");
            w.WriteString("uri", uri);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("results");
        var artifact = 0;
        foreach (var (report, uri) in models)
        {
            var location = new ArtifactRef(uri, artifact++);
            foreach (var f in report.ModelFindings) WriteResult(w, f, null, location, ruleIndex);
            foreach (var op in report.Ops)
            {
                foreach (var f in op.Findings) WriteResult(w, f, op, location, ruleIndex);
                JsonNumbers.FlushWhenFull(w);
            }
            if (PlacementSarif.RuleId(report) is { } placementRule)
            {
                w.WriteStartObject();
                w.WriteString("ruleId", placementRule);
                w.WriteNumber("ruleIndex", ruleIndex[placementRule]);
                w.WriteString("level", "warning");
                w.WriteStartObject("message");
                w.WriteString("text", $"model: {report.StatusReason}");
                w.WriteEndObject();
                w.WriteStartArray("locations");
                w.WriteStartObject();
                WritePhysicalLocation(w, location);
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteStartObject("partialFingerprints");
                w.WriteString("anecompatFinding/v1", Fingerprint($"{placementRule}|placement-only"));
                w.WriteEndObject();
                w.WriteEndObject();
            }
        }
        foreach (var (model, uri) in unreadable)
            WriteReadErrorResult(w, model, new ArtifactRef(uri, artifact++), ruleIndex.Count);
        w.WriteEndArray();

        w.WriteStartObject("properties");
        w.WriteString("target", target.Name);
        w.WriteString("computeUnits", Planning.ComputeUnitNames.ToName(units));
        w.WriteNumber("status", status);
        w.WriteEndObject();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// A relative URI (forward slashes, escaped) when the model lies under <paramref name="baseDir"/> — what code
    /// scanning matches against the repository — otherwise an absolute file URI.
    /// </summary>
    public static string ArtifactUri(string modelPath, string baseDir)
    {
        var full = Path.GetFullPath(modelPath);
        var rel = Path.GetRelativePath(baseDir, full);
        if (!rel.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(rel))
            return string.Join("/", rel.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Select(Uri.EscapeDataString));
        return new Uri(full).AbsoluteUri;
    }

    /// <summary>error: the finding takes work off the ANE; warning: slower, numerically risky or unknown; note: informational.</summary>
    public static string Level(Effect e) => e.BlocksAne() ? "error" : e is Effect.Slow or Effect.Numeric or Effect.Unknown ? "warning" : "note";

    private static void WriteRule(Utf8JsonWriter w, RuleSummary rule)
    {
        w.WriteStartObject();
        w.WriteString("id", rule.RuleId);
        w.WriteString("name", RuleName(rule.RuleId));
        // Rule metadata comes from the catalog's descriptor (its title and condition), never from one finding's message.
        var d = rule.Descriptor;
        w.WriteStartObject("shortDescription");
        w.WriteString("text", d is null ? $"{rule.RuleId}: {rule.Effect.Label()}" : $"{d.Title} ({d.EffectText})");
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", d is null ? rule.Message : $"{d.Title}. Applies to {d.AppliesTo}. Condition: {d.Condition}");
        w.WriteEndObject();
        var help = new StringBuilder();
        var fix = d?.Fix ?? rule.Fix;
        help.Append(fix is null ? "No fix is known." : "Fix: " + fix);
        if (d?.FixSafety is { Length: > 0 } safety) help.Append($" (fix safety: {safety})");
        help.Append($" Effect: {rule.Effect.Label()}. Confidence: {rule.Confidence.Label()}.");
        if (rule.Sources.Count > 0) help.Append(" Sources: ").Append(string.Join(", ", rule.Sources)).Append('.');
        w.WriteStartObject("help");
        w.WriteString("text", help.ToString());
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", Level(rule.Effect));
        w.WriteEndObject();
        w.WriteStartObject("properties");
        w.WriteString("effect", ReportNames.EffectName(rule.Effect));
        w.WriteString("confidence", rule.Confidence.Label());
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A model file as results point at it: its URI and its index in runs[].artifacts.</summary>
    private readonly record struct ArtifactRef(string Uri, int Index);

    private static void WriteReadErrorRule(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", ReadErrorRuleId);
        w.WriteString("name", RuleName(ReadErrorRuleId));
        w.WriteStartObject("shortDescription");
        w.WriteString("text", $"{ReadErrorRuleId}: the model could not be read");
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", "The file is missing, truncated, corrupt or over a limit, so nothing about its ANE placement is known.");
        w.WriteEndObject();
        w.WriteStartObject("help");
        w.WriteString("text", "Fix: replace the file with a model Core ML can load (re-export or re-compile it); the result message says what is wrong.");
        w.WriteEndObject();
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", "error");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteReadErrorResult(Utf8JsonWriter w, UnreadableModel model, ArtifactRef location, int ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", ReadErrorRuleId);
        w.WriteNumber("ruleIndex", ruleIndex);
        w.WriteString("level", "error");
        w.WriteStartObject("message");
        w.WriteString("text", model.Error);
        w.WriteEndObject();
        w.WriteStartArray("locations");
        w.WriteStartObject();
        WritePhysicalLocation(w, location);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString("anecompatFinding/v1", Fingerprint(ReadErrorRuleId));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePhysicalLocation(Utf8JsonWriter w, ArtifactRef location)
    {
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", location.Uri);
        w.WriteNumber("index", location.Index);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter w, Finding f, ReportOp? op, ArtifactRef location, Dictionary<string, int> ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        if (ruleIndex.TryGetValue(f.RuleId, out var idx)) w.WriteNumber("ruleIndex", idx);
        w.WriteString("level", Level(f.Effect));
        w.WriteStartObject("message");
        var where = op is null ? "model" : $"op #{op.Index} {op.DisplayName} ({op.Source}) in {op.Function}";
        w.WriteString("text", $"{where}: {f.Message}" + (f.Fix is null ? "" : $" Fix: {f.Fix}"));
        w.WriteEndObject();
        w.WriteStartArray("locations");
        w.WriteStartObject();
        WritePhysicalLocation(w, location);
        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        if (op is null)
        {
            w.WriteString("name", "model");
            w.WriteString("kind", "module");
        }
        else
        {
            w.WriteString("name", op.DisplayName);
            w.WriteString("fullyQualifiedName", $"{op.Function}/{op.DisplayName}");
            w.WriteString("kind", "member");
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString("anecompatFinding/v1", Fingerprint($"{f.RuleId}|{op?.Function}|{op?.DisplayName}|{op?.Source}"));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>PascalCase of the rule id ("MODEL-CUSTOM" → "ModelCustom"), the form SARIF viewers show as the rule name.</summary>
    private static string RuleName(string id) =>
        string.Concat(id.Split('-', '_', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    private static string Fingerprint(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
