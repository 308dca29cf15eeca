using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;

namespace AneCompat.Reporting;

/// <summary>
/// <c>--format sarif</c>: SARIF 2.1.0 that GitHub code scanning accepts and places. One result per finding; each
/// result points at the file that holds the model's ops (<see cref="SarifLocations"/>: a URI relative to the SARIF
/// root, a region whose startLine is the op's line in a model.mil, else 1) and names the op (logicalLocation).
/// Rules carry help text and a help URI into docs/rules.md; partialFingerprints include the model's path. A folder
/// of models is one log with one run whose results cover every model.
/// </summary>
public static class SarifReportWriter
{
    public const string SchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

    /// <summary>The rule that reports a model of a folder that could not be read, so code scanning shows it.</summary>
    public const string ReadErrorRuleId = "READ-ERROR";

    /// <summary>Where the rule catalog is published; each rule's helpUri is this page with the rule's section anchor.</summary>
    public const string RulesDocUri = "https://github.com/anecompat/anecompat/blob/main/docs/rules.md";

    /// <summary>GitHub code scanning rejects a run with more results than this; the most severe are kept.</summary>
    public const int MaxResultsPerRun = 25_000;

    /// <summary>GitHub's limit on a rule's shortDescription and fullDescription text.</summary>
    public const int MaxDescriptionLength = 1024;

    /// <summary>The base id artifact URIs are relative to: the SARIF root (<c>--sarif-root</c>), as CodeQL names it.</summary>
    public const string RootBaseId = "%SRCROOT%";

    /// <summary>The partialFingerprints key: rule, model path and op name (not the op's index, which edits elsewhere change).</summary>
    public const string FingerprintKey = "anecompatFinding/v2";

    /// <param name="root">The folder artifact URIs are relative to (<c>--sarif-root</c>); null for the working folder.</param>
    public static void Write(Report report, Stream stream, string? root = null) =>
        Write(report, stream, new SarifLocations(root));

    public static void Write(Report report, Stream stream, SarifLocations locations) =>
        WriteLog(stream, report.ToolVersion, new[] { report }, Array.Empty<UnreadableModel>(),
            report.Target, report.ComputeUnits, (int)report.Status, locations);

    /// <summary>
    /// One run over every model of a folder: results of all models (each pointing at its own model file), rules
    /// merged by id, and a <see cref="ReadErrorRuleId"/> error for each unreadable model.
    /// </summary>
    /// <param name="root">The folder artifact URIs are relative to (<c>--sarif-root</c>); null for the working folder.</param>
    public static void Write(FolderReport folder, Stream stream, string? root = null) =>
        Write(folder, stream, new SarifLocations(root));

    public static void Write(FolderReport folder, Stream stream, SarifLocations locations) =>
        WriteLog(stream, ReportBuilder.ToolVersion, folder.Models, folder.Unreadable,
            folder.Target, folder.ComputeUnits, folder.WorstExitCode, locations);

    /// <summary>error: the finding takes work off the ANE; warning: slower, numerically risky or unknown; note: informational.</summary>
    public static string Level(Effect e) => e.BlocksAne() ? "error" : e is Effect.Slow or Effect.Numeric or Effect.Unknown ? "warning" : "note";

    /// <summary>One result before it is written: what it says and where.</summary>
    private sealed record PendingResult(string RuleId, string Level, string Message, string Uri, int Artifact, int StartLine,
        string? OpName, string? OpFunction, string Fingerprint);

    /// <param name="status">runs[].properties.status: the model's status, or a folder's worst exit code.</param>
    private static void WriteLog(Stream stream, string toolVersion, IReadOnlyList<Report> models,
        IReadOnlyList<UnreadableModel> unreadable, Targets.ChipProfile target, Planning.ComputeUnits units, int status, SarifLocations locations)
    {
        // A rule seen in several models is described once, from the first model that uses it.
        var rules = models.SelectMany(m => m.Rules).DistinctBy(r => r.RuleId, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((r, i) => (r.RuleId, i)).ToDictionary(x => x.RuleId, x => x.i, StringComparer.Ordinal);
        // A model that is partial or not compatible only because of placement has no finding that says so: it gets
        // one result under the placement rule behind it (COST-MIN-WORK …), described here unless a finding already is.
        var placementRules = models.Select(PlacementSarif.RuleId).OfType<string>()
            .Where(id => !ruleIndex.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in placementRules) ruleIndex[id] = ruleIndex.Count;
        if (unreadable.Count > 0) ruleIndex[ReadErrorRuleId] = ruleIndex.Count;

        var artifacts = new List<string>();
        var artifactIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        int Artifact(string uri)
        {
            if (!artifactIndex.TryGetValue(uri, out var i)) { i = artifacts.Count; artifacts.Add(uri); artifactIndex[uri] = i; }
            return i;
        }

        var results = new List<PendingResult>();
        foreach (var report in models)
        {
            var uri = locations.UriFor(report.Model);
            var index = Artifact(uri);
            var identity = locations.IdentityOf(report.Model.Path);
            var inArchive = SarifLocations.PathInsideArchive(report.Model.Path);
            foreach (var f in report.ModelFindings) results.Add(Pending(f, null, uri, index, identity, inArchive));
            foreach (var op in report.Ops)
            {
                if (op.Findings.Count == 0) continue;
                var opUri = locations.UriFor(report.Model, op);
                var opIndex = Artifact(opUri);
                foreach (var f in op.Findings) results.Add(Pending(f, op, opUri, opIndex, identity, inArchive));
            }
            if (PlacementSarif.RuleId(report) is { } placementRule)
                results.Add(new PendingResult(placementRule, "warning", (inArchive is null ? "" : inArchive + ": ") + $"model: {report.StatusReason}",
                    uri, index, 1, null, null, Fingerprint($"{identity}|{placementRule}|placement-only")));
        }
        foreach (var model in unreadable)
        {
            var uri = locations.UriForFile(model.Path);
            results.Add(ModelResult(ReadErrorRuleId, "error", model.Error, uri, Artifact(uri)));
        }
        var total = results.Count;
        if (total > MaxResultsPerRun)
            results = results.OrderBy(r => r.Level switch { "error" => 0, "warning" => 1, _ => 2 }).Take(MaxResultsPerRun).ToList();

        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
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
        w.WriteString("informationUri", RulesDocUri);
        w.WriteStartArray("rules");
        foreach (var rule in rules) WriteRule(w, rule);
        foreach (var id in placementRules) PlacementSarif.WriteRule(w, id, RuleName(id));
        if (unreadable.Count > 0) WriteReadErrorRule(w);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("originalUriBaseIds");
        w.WriteStartObject(RootBaseId);
        w.WriteString("uri", new Uri(locations.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar).AbsoluteUri);
        w.WriteStartObject("description");
        w.WriteString("text", "The folder artifact URIs are relative to: --sarif-root, by default the working folder (the repository checkout).");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartArray("artifacts");
        foreach (var uri in artifacts)
        {
            w.WriteStartObject();
            w.WriteStartObject("location");
            w.WriteString("uri", uri);
            w.WriteString("uriBaseId", RootBaseId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("results");
        foreach (var r in results) WriteResult(w, r, ruleIndex);
        w.WriteEndArray();

        w.WriteStartObject("properties");
        w.WriteString("target", target.Name);
        w.WriteString("computeUnits", Planning.ComputeUnitNames.ToName(units));
        w.WriteNumber("status", status);
        if (total > results.Count) w.WriteNumber("resultsOmitted", total - results.Count);
        w.WriteEndObject();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <param name="identity">The model's path relative to the root (see <see cref="SarifLocations.IdentityOf"/>).</param>
    /// <param name="inArchive">The model's path inside the archive that <paramref name="uri"/> names, if any.</param>
    private static PendingResult Pending(Finding f, ReportOp? op, string uri, int artifact, string identity, string? inArchive)
    {
        var where = (inArchive is null ? "" : inArchive + ": ") + (op is null ? "model" : $"op #{op.Index} {op.DisplayName} ({op.Source}) in {op.Function}");
        var message = $"{where}: {f.Message}" + (f.Fix is null ? "" : $" Fix: {f.Fix}");
        // The model's path is part of the identity (the same finding in two models is two alerts); the op index is
        // not, so an edit elsewhere in the model does not turn a known finding into a new one.
        var fingerprint = Fingerprint($"{identity}|{f.RuleId}|{op?.Function}|{op?.DisplayName}|{op?.Source}");
        return new PendingResult(f.RuleId, Level(f.Effect), message, uri, artifact, Math.Max(1, op?.SourceLine ?? 1), op?.DisplayName, op?.Function, fingerprint);
    }

    /// <summary>A result about a whole model (no op): read errors, and placement-only verdicts.</summary>
    private static PendingResult ModelResult(string ruleId, string level, string message, string uri, int artifact) =>
        new(ruleId, level, message, uri, artifact, 1, null, null, Fingerprint($"{uri}|{ruleId}"));

    /// <summary>Rule metadata, from the rule's catalog descriptor when the report carries it.</summary>
    private static void WriteRule(Utf8JsonWriter w, RuleSummary rule)
    {
        // Rule metadata comes from the catalog's descriptor (its title and condition), never from one finding's message.
        var d = rule.Descriptor;
        var help = new StringBuilder();
        var fix = d?.Fix ?? rule.Fix;
        help.Append(fix is null ? "No fix is known." : "Fix: " + fix);
        if (d?.FixSafety is { Length: > 0 } safety) help.Append($" (fix safety: {safety})");
        help.Append($" Effect: {rule.Effect.Label()}. Confidence: {rule.Confidence.Label()}.");
        if (rule.Sources.Count > 0) help.Append(" Sources: ").Append(string.Join(", ", rule.Sources)).Append('.');
        help.Append($" Details: anecompat explain {rule.RuleId}");
        WriteDescriptor(w, rule.RuleId,
            d is null ? $"{rule.RuleId}: {rule.Effect.Label()}" : $"{d.Title} ({d.EffectText})",
            d is null ? rule.Message : $"{d.Title}. Applies to {d.AppliesTo}. Condition: {d.Condition}",
            help.ToString(), Level(rule.Effect), HelpUri(d?.Section), ReportNames.EffectName(rule.Effect), rule.Confidence.Label());
    }

    private static void WriteReadErrorRule(Utf8JsonWriter w) =>
        WriteDescriptor(w, ReadErrorRuleId, $"{ReadErrorRuleId}: the model could not be read",
            "The file is missing, truncated, corrupt or over a limit, so nothing about its ANE placement is known.",
            "Fix: replace the file with a model Core ML can load (re-export or re-compile it); the result message says what is wrong.",
            "error", RulesDocUri, null, null);

    private static void WriteDescriptor(Utf8JsonWriter w, string id, string shortText, string fullText, string helpText,
        string level, string helpUri, string? effect, string? confidence)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("name", RuleName(id));
        w.WriteStartObject("shortDescription");
        w.WriteString("text", Clip(shortText));
        w.WriteEndObject();
        w.WriteStartObject("fullDescription");
        w.WriteString("text", Clip(fullText));
        w.WriteEndObject();
        w.WriteStartObject("help");
        w.WriteString("text", helpText);
        w.WriteEndObject();
        w.WriteString("helpUri", helpUri);
        w.WriteStartObject("defaultConfiguration");
        w.WriteString("level", level);
        w.WriteEndObject();
        if (effect is not null)
        {
            w.WriteStartObject("properties");
            w.WriteString("effect", effect);
            w.WriteString("confidence", confidence);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// docs/rules.md at the rule's section heading ("## §1.2" → anchor "12", as GitHub makes heading anchors:
    /// lower case, punctuation dropped, spaces to hyphens).
    /// </summary>
    public static string HelpUri(string? section)
    {
        if (string.IsNullOrEmpty(section)) return RulesDocUri;
        var heading = section == "internal" ? "ANECompat-internal rules" : "§" + section;
        var anchor = string.Concat(heading.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c.ToString() : c == ' ' ? "-" : ""));
        return $"{RulesDocUri}#{anchor}";
    }

    private static void WriteResult(Utf8JsonWriter w, PendingResult r, Dictionary<string, int> ruleIndex)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", r.RuleId);
        if (ruleIndex.TryGetValue(r.RuleId, out var idx)) w.WriteNumber("ruleIndex", idx);
        w.WriteString("level", r.Level);
        w.WriteStartObject("message");
        w.WriteString("text", r.Message);
        w.WriteEndObject();
        w.WriteStartArray("locations");
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", r.Uri);
        w.WriteString("uriBaseId", RootBaseId);
        w.WriteNumber("index", r.Artifact);
        w.WriteEndObject();
        w.WriteStartObject("region");
        w.WriteNumber("startLine", r.StartLine);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("logicalLocations");
        w.WriteStartObject();
        if (r.OpName is null)
        {
            w.WriteString("name", "model");
            w.WriteString("kind", "module");
        }
        else
        {
            w.WriteString("name", r.OpName);
            w.WriteString("fullyQualifiedName", $"{r.OpFunction}/{r.OpName}");
            w.WriteString("kind", "member");
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("partialFingerprints");
        w.WriteString(FingerprintKey, r.Fingerprint);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Clip(string text) => text.Length <= MaxDescriptionLength ? text : text[..(MaxDescriptionLength - 1)] + "…";

    /// <summary>PascalCase of the rule id ("MODEL-CUSTOM" → "ModelCustom"), the form SARIF viewers show as the rule name.</summary>
    private static string RuleName(string id) =>
        string.Concat(id.Split('-', '_', '.').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));

    internal static string Fingerprint(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
