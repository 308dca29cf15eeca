using System.Text.Json;
using Json.Schema;

namespace AneCompat.Tests.Support;

/// <summary>
/// Checks a SARIF log twice: against the official SARIF 2.1.0 JSON schema (Reporting/Schemas, validated with
/// JsonSchema.Net, formats included), and against what GitHub code scanning documents for uploads ("SARIF support for
/// code scanning"): at most 20 runs, 25,000 rules and 25,000 results per run; required rule fields (id,
/// shortDescription/fullDescription ≤ 1024 characters, help.text, name ≤ 255); every result with a message, 1 to 10
/// locations whose artifact URI is relative (no scheme, no leading '/') and a region with startLine ≥ 1; a ruleId
/// among the run's rules; and partialFingerprints.
/// </summary>
public static class SarifValidator
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reporting", "Schemas", "sarif-schema-2.1.0.json"))));

    public static List<string> Problems(string sarif)
    {
        using var doc = JsonDocument.Parse(sarif);
        return Problems(doc.RootElement);
    }

    public static List<string> Problems(JsonElement log)
    {
        var problems = new List<string>();
        var result = Schema.Value.Evaluate(log, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (!result.IsValid)
            foreach (var d in (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }))
                foreach (var e in d.Errors!)
                    problems.Add($"schema: {d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}");
        if (!result.IsValid && problems.Count == 0) problems.Add("schema: invalid");
        problems.AddRange(GitHubProblems(log));
        return problems;
    }

    /// <summary>Asserts the log is valid SARIF 2.1.0 that GitHub code scanning accepts and can place.</summary>
    public static void AssertValid(string sarif)
    {
        var problems = Problems(sarif);
        Assert.True(problems.Count == 0, "SARIF problems:\n" + string.Join("\n", problems.Take(20)));
    }

    private static IEnumerable<string> GitHubProblems(JsonElement log)
    {
        if (log.GetProperty("version").GetString() != "2.1.0") yield return "version is not 2.1.0";
        if (!log.TryGetProperty("$schema", out var schema) || string.IsNullOrEmpty(schema.GetString())) yield return "no $schema";
        var runs = log.GetProperty("runs");
        if (runs.GetArrayLength() is < 1 or > 20) yield return $"{runs.GetArrayLength()} runs (1 to 20)";
        foreach (var run in runs.EnumerateArray())
        {
            var driver = run.GetProperty("tool").GetProperty("driver");
            if (string.IsNullOrEmpty(driver.GetProperty("name").GetString())) yield return "tool.driver.name is empty";
            if (!driver.TryGetProperty("rules", out var rules)) { yield return "tool.driver.rules is missing"; continue; }
            if (rules.GetArrayLength() > 25_000) yield return "more than 25,000 rules";
            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in rules.EnumerateArray())
            {
                var id = rule.GetProperty("id").GetString();
                if (string.IsNullOrEmpty(id) || !ids.Add(id)) yield return $"rule id '{id}' empty or repeated";
                if (rule.TryGetProperty("name", out var name) && name.GetString()!.Length > 255) yield return $"{id}: name over 255 characters";
                foreach (var field in new[] { "shortDescription", "fullDescription" })
                {
                    var text = rule.TryGetProperty(field, out var f) ? f.GetProperty("text").GetString() : null;
                    if (string.IsNullOrEmpty(text) || text.Length > 1024) yield return $"{id}: {field}.text missing or over 1024 characters";
                }
                if (!rule.TryGetProperty("help", out var help) || string.IsNullOrEmpty(help.GetProperty("text").GetString())) yield return $"{id}: no help.text";
                if (!rule.TryGetProperty("helpUri", out var helpUri) || !Uri.IsWellFormedUriString(helpUri.GetString(), UriKind.Absolute)) yield return $"{id}: no absolute helpUri";
                if (rule.TryGetProperty("defaultConfiguration", out var config) && config.GetProperty("level").GetString() is not ("note" or "warning" or "error"))
                    yield return $"{id}: defaultConfiguration.level is not note, warning or error";
            }
            var results = run.GetProperty("results");
            if (results.GetArrayLength() > 25_000) yield return "more than 25,000 results in a run";
            foreach (var r in results.EnumerateArray())
            {
                var ruleId = r.GetProperty("ruleId").GetString();
                if (ruleId is null || !ids.Contains(ruleId)) yield return $"result rule '{ruleId}' is not among the run's rules";
                if (string.IsNullOrEmpty(r.GetProperty("message").GetProperty("text").GetString())) yield return $"{ruleId}: empty message";
                if (!r.TryGetProperty("locations", out var locations) || locations.GetArrayLength() is < 1 or > 10) { yield return $"{ruleId}: 1 to 10 locations needed"; continue; }
                var physical = locations[0].GetProperty("physicalLocation");
                var uri = physical.GetProperty("artifactLocation").GetProperty("uri").GetString();
                if (string.IsNullOrEmpty(uri) || uri.StartsWith('/') || uri.Contains("://", StringComparison.Ordinal) || uri.StartsWith("file:", StringComparison.Ordinal))
                    yield return $"{ruleId}: artifact URI '{uri}' is not relative to the repository root";
                else if (!Uri.IsWellFormedUriString(uri, UriKind.Relative)) yield return $"{ruleId}: artifact URI '{uri}' is not an escaped relative URI";
                if (!physical.TryGetProperty("region", out var region) || !region.TryGetProperty("startLine", out var line) || line.GetInt32() < 1)
                    yield return $"{ruleId}: no region.startLine ≥ 1";
                if (!r.TryGetProperty("partialFingerprints", out var fp) || !fp.EnumerateObject().Any()) yield return $"{ruleId}: no partialFingerprints";
            }
        }
    }
}
