using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AneCompat.Reporting;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;

namespace AneCompat.Cli.Commands;

/// <summary><c>anecompat rules [--json | --markdown]</c>: the rule catalog (id, effect, confidence, title).</summary>
public static class RulesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the catalog as JSON: every field of every rule, then the MIL op, NeuralNetwork layer, espresso layer and model-type status tables." };
        var markdown = new Option<bool>("--markdown") { Description = "Print docs/rules.md (the generated catalog documentation)." };
        var cmd = new Command("rules", "List the ANE rule catalog: id, effect, confidence and title of every rule.") { json, markdown };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var catalog = RuleCatalog.Default;
            if (parse.GetValue(markdown))
                output.Write(CatalogDocs.Markdown(catalog));
            else if (parse.GetValue(json))
                output.WriteLine(Json(catalog));
            else
                foreach (var r in catalog.Rules)
                    output.WriteLine($"{r.Id,-20} {r.Effect.Label(),-14} {r.ConfidenceText,-10} {r.Title}");
            return ExitCodes.FullyCompatible;
        });
        return cmd;
    }

    /// <summary>
    /// The catalog as one JSON object: <c>rules</c>, <c>milOps</c>, <c>neuralNetworkLayers</c>, <c>espressoLayers</c>,
    /// <c>modelTypes</c> and <c>sources</c> (evidence code → description). Written field by field (no reflection), so
    /// the NativeAOT build prints the same.
    /// </summary>
    public static string Json(RuleCatalog catalog)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("rules");
            foreach (var r in catalog.Rules)
            {
                w.WriteStartObject();
                w.WriteString("id", r.Id);
                w.WriteString("title", r.Title);
                w.WriteString("section", r.Section);
                w.WriteString("appliesTo", r.AppliesTo);
                w.WriteString("condition", r.Condition);
                w.WriteString("effect", r.Effect.Label());
                w.WriteString("effectText", r.EffectText);
                w.WriteString("confidence", r.ConfidenceText);
                w.WriteString("chips", r.Chips);
                w.WriteStrings("sources", r.Sources);
                w.WriteString("fix", r.Fix);
                w.WriteString("fixSafety", r.FixSafety);
                w.WriteStrings("evaluation", r.Evaluation.Select(e => e.ToString().ToLowerInvariant()));
                w.WriteBoolean("internal", r.Internal);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            OpTableJson(w, "milOps", catalog.Table(OpTable.MilOp));
            OpTableJson(w, "neuralNetworkLayers", catalog.Table(OpTable.NeuralNetworkLayer));
            OpTableJson(w, "espressoLayers", catalog.Table(OpTable.EspressoLayer));
            w.WriteStartArray("modelTypes");
            foreach (var t in catalog.ModelTypes)
            {
                w.WriteStartObject();
                w.WriteString("type", t.Type);
                w.WriteString("family", t.Family);
                w.WriteString("status", t.Status);
                w.WriteStrings("rules", t.Rules);
                w.WriteString("confidence", t.Confidence.Label());
                w.WriteString("notes", t.Notes);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("sources");
            foreach (var (code, text) in catalog.Sources) w.WriteString(code, text);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void OpTableJson(Utf8JsonWriter w, string name, IEnumerable<OpEntry> rows)
    {
        w.WriteStartArray(name);
        foreach (var o in rows)
        {
            w.WriteStartObject();
            w.WriteString("name", o.Name);
            w.WriteString("kind", o.Kind);
            w.WriteString("status", o.StatusCode);
            w.WriteString("confidence", o.ConfidenceText);
            w.WriteStrings("rules", o.Rules);
            w.WriteString("notes", o.Notes);
            w.WriteStrings("evidence", o.Evidence);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
