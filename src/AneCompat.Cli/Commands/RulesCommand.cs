using System.CommandLine;
using System.Text.Json;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;

namespace AneCompat.Cli.Commands;

/// <summary><c>anecompat rules [--json | --markdown]</c>: the rule catalog (id, effect, confidence, title).</summary>
public static class RulesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the catalog as JSON (every field of every rule)." };
        var markdown = new Option<bool>("--markdown") { Description = "Print docs/rules.md (the generated catalog documentation)." };
        var cmd = new Command("rules", "List the ANE rule catalog: id, effect, confidence and title of every rule.") { json, markdown };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var catalog = RuleCatalog.Default;
            if (parse.GetValue(markdown))
                output.Write(CatalogDocs.Markdown(catalog));
            else if (parse.GetValue(json))
                output.WriteLine(JsonSerializer.Serialize(catalog.Rules.Select(r => new
                {
                    id = r.Id, title = r.Title, section = r.Section, appliesTo = r.AppliesTo, condition = r.Condition,
                    effect = r.Effect.Label(), effectText = r.EffectText, confidence = r.ConfidenceText, chips = r.Chips,
                    sources = r.Sources, fix = r.Fix, fixSafety = r.FixSafety,
                    evaluation = r.Evaluation.Select(e => e.ToString().ToLowerInvariant()), @internal = r.Internal,
                }), new JsonSerializerOptions { WriteIndented = true }));
            else
                foreach (var r in catalog.Rules)
                    output.WriteLine($"{r.Id,-20} {r.Effect.Label(),-14} {r.ConfidenceText,-10} {r.Title}");
            return ExitCodes.FullyCompatible;
        });
        return cmd;
    }
}
