using System.Text.RegularExpressions;
using AneCompat.Rules;
using AneCompat.Rules.Catalog;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Rules;

/// <summary>
/// The catalog can never silently drift from the fact base (ane-rules.md, read from ../shared) or from our own schema.
/// </summary>
public partial class CatalogTests
{
    private static readonly RuleCatalog Catalog = RuleCatalog.Default;
    // Read on first use: the tests that need no shared material must still run on a plain clone.
    private static readonly Lazy<string[]> FactBaseLines = new(() => File.ReadAllLines(Corpus.Shared("ane-rules.md")));

    private static string[] FactBase => FactBaseLines.Value;

    [CorpusFact]
    public void EverySection1RuleIsInTheCatalogWithItsConfidence()
    {
        var rows = Rows("## 1.", "## 2.").Where(r => r.Header[0] == "rule id").ToList();
        Assert.True(rows.Count >= 100, $"parsed only {rows.Count} §1 rules");
        foreach (var (header, cells) in rows)
        {
            var id = cells[0];
            var rule = Catalog.Find(id);
            Assert.True(rule is not null, $"§1 rule {id} is missing from rules.json");
            Assert.Equal(cells[Array.IndexOf(header, "conf")], rule!.ConfidenceText);
            Assert.False(rule.Internal);
        }
        Assert.Equal(rows.Count, Catalog.Rules.Count(r => !r.Internal));
    }

    [CorpusFact]
    public void EveryMilOpOfSection2IsInTheCatalogWithItsStatusAndConfidence()
    {
        var rows = Rows("### 2.2", "## 3.").Where(r => r.Cells[0].StartsWith('`')).ToList();
        Assert.Equal(170, rows.Count);
        foreach (var (_, cells) in rows)
        {
            var name = cells[0].Trim('`');
            var entry = Catalog.Op(OpTable.MilOp, name);
            Assert.True(entry is not null, $"MIL op {name} is missing from mil-ops.tsv");
            Assert.Equal(cells[2], entry!.StatusCode);
            Assert.Equal(cells[3], entry.ConfidenceText);
        }
        Assert.Equal(rows.Count, Catalog.Table(OpTable.MilOp).Count());
    }

    [CorpusFact]
    public void EveryNeuralNetworkLayerOfSection3IsInTheCatalogWithItsStatusAndConfidence()
    {
        var rows = Rows("## 3.", "## 4.").Where(r => NumberRow().IsMatch(r.Cells[0])).ToList();
        Assert.Equal(158, rows.Count);
        foreach (var (_, cells) in rows)
        {
            var name = cells[1].Trim('`');
            var entry = Catalog.Op(OpTable.NeuralNetworkLayer, name);
            Assert.True(entry is not null, $"NeuralNetwork layer {name} is missing from nn-layers.tsv");
            Assert.Equal(cells[3], entry!.StatusCode);
            Assert.Equal(cells[4], entry.ConfidenceText);
        }
        Assert.Equal(rows.Count, Catalog.Table(OpTable.NeuralNetworkLayer).Count());
    }

    [CorpusFact]
    public void EveryNeuralNetworkLayerOfOurSchemaHasAnEntry()
    {
        var oneof = AneCompat.Schema.NeuralNetworkLayer.Descriptor.Oneofs.Single(o => o.Name == "layer");
        var missing = oneof.Fields.Select(f => f.Name).Where(n => Catalog.Op(OpTable.NeuralNetworkLayer, n) is null).ToList();
        Assert.Empty(missing);
        Assert.Equal(oneof.Fields.Count, Catalog.Table(OpTable.NeuralNetworkLayer).Count());
    }

    [CorpusFact]
    public void EveryModelTypeOfOurSchemaHasAnEntry()
    {
        var oneof = AneCompat.Schema.Model.Descriptor.Oneofs.Single(o => o.Name == "Type");
        Assert.DoesNotContain(oneof.Fields, f => Catalog.ModelType(f.Name) is null);
        foreach (var t in Catalog.ModelTypes)
            Assert.All(t.Rules, id => Assert.NotNull(Catalog.Find(id)));
    }

    [CorpusFact]
    public void EveryEspressoLayerTypeOfTheFormatNotesHasAnEntry()
    {
        var formats = File.ReadAllText(Corpus.Shared("formats.md"));
        var start = formats.IndexOf("Layer types seen:", StringComparison.Ordinal);
        var end = formats.IndexOf("Short real excerpts", start, StringComparison.Ordinal);
        // Layer types are the backticked names outside the parenthesised parameter lists.
        var text = formats[start..end];
        while (Parenthesised().IsMatch(text)) text = Parenthesised().Replace(text, "");
        var names = new List<string>();
        foreach (Match m in BacktickName().Matches(text))
        {
            var parts = m.Groups[1].Value.Split('/');
            names.Add(parts[0]);
            var prefix = parts[0][..(parts[0].LastIndexOf('_') + 1)];
            names.AddRange(parts.Skip(1).Select(p => prefix + p));
        }
        Assert.Contains("dynamic_dequantize", names);
        Assert.Contains("instancenorm_1d", names);
        Assert.DoesNotContain(names, n => Catalog.Op(OpTable.EspressoLayer, n) is null);
    }

    [CorpusFact]
    public void RulesNamedByTablesExistAndAreTableRules()
    {
        foreach (var op in Catalog.Ops)
            foreach (var id in op.Rules)
            {
                var rule = Catalog.Find(id);
                Assert.True(rule is not null, $"{op.Name} names unknown rule {id}");
                Assert.True(rule!.EvaluatedBy(RuleEvaluation.Table), $"{op.Name} names {id}, which is not a table rule");
            }
    }

    [CorpusFact]
    public void EveryCheckRuleHasACheckAndEveryCheckReportsCatalogRules()
    {
        var engineChecked = RuleEngine.Default.Catalog.Rules.Where(r => r.EvaluatedBy(RuleEvaluation.Check)).Select(r => r.Id).ToHashSet();
        var implemented = BuiltInChecks.OpRules.SelectMany(r => r.Rules).Concat(BuiltInChecks.ModelRules.SelectMany(r => r.Rules))
            .Select(d => d.Id).ToHashSet();
        // Every check class in the assembly is on the explicit list (the engine uses no reflection).
        var listed = BuiltInChecks.OpRules.Select(r => r.GetType()).Concat(BuiltInChecks.ModelRules.Select(r => r.GetType())).ToHashSet();
        var classes = typeof(IOpRule).Assembly.GetTypes()
            .Where(t => (typeof(IOpRule).IsAssignableFrom(t) || typeof(IModelRule).IsAssignableFrom(t)) && t is { IsClass: true, IsAbstract: false });
        Assert.All(classes, t => Assert.Contains(t, listed));
        Assert.Empty(engineChecked.Except(implemented));
        Assert.DoesNotContain(implemented, id => Catalog.Find(id) is not { } r || !r.EvaluatedBy(RuleEvaluation.Check));
    }

    [CorpusFact]
    public void EverySourceCodeIsExpandedAndInternalRulesSayWhatTheyAre()
    {
        foreach (var rule in Catalog.Rules)
            Assert.All(rule.Sources, code => Assert.True(Catalog.Sources.ContainsKey(code), $"{rule.Id}: source {code} not in §6"));
        Assert.All(new[] { "OP-UNKNOWN", "OP-TABLE", "HINT-FALLBACK", "MODEL-LINKED", "MODEL-SERIALIZED" }, id => Assert.True(Catalog.Rule(id).Internal));
        Assert.All(Catalog.Ops.SelectMany(o => o.Evidence).Distinct().Where(e => !e.StartsWith('(') && e != "-"),
            code => Assert.True(Catalog.Sources.ContainsKey(code), $"evidence {code} not in §6"));
    }

    /// <summary>Table rows of the fact base between two headings, with the header row they belong to.</summary>
    private static IEnumerable<(string[] Header, string[] Cells)> Rows(string from, string to)
    {
        var start = Array.FindIndex(FactBase, l => l.StartsWith(from, StringComparison.Ordinal));
        var end = Array.FindIndex(FactBase, start + 1, l => l.StartsWith(to, StringComparison.Ordinal));
        string[]? header = null;
        for (var i = start; i < end; i++)
        {
            var line = FactBase[i];
            if (!line.StartsWith('|')) { header = null; continue; }
            var cells = Cells(line);
            if (header is null) { header = cells; continue; }
            if (cells.All(c => c.Trim(':', '-').Length == 0)) continue;
            yield return (header, cells);
        }
    }

    /// <summary>Splits a markdown row on '|' outside backticks.</summary>
    private static string[] Cells(string line)
    {
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        var tick = false;
        foreach (var ch in line.Trim().Trim('|'))
        {
            if (ch == '`') tick = !tick;
            if (ch == '|' && !tick) { cells.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(ch);
        }
        cells.Add(current.ToString().Trim());
        return cells.ToArray();
    }

    [GeneratedRegex(@"^\d+$")]
    private static partial Regex NumberRow();

    [GeneratedRegex(@"\([^()]*\)")]
    private static partial Regex Parenthesised();

    [GeneratedRegex(@"`([a-z0-9_/]+)`")]
    private static partial Regex BacktickName();

    [Fact]
    public void TypedDescriptorsAreInSyncWithRulesJson()
    {
        var generated = File.ReadAllText(Path.Combine(Support.Corpus.RepoRoot, "src", "AneCompat", "Rules", "Catalog", "Descriptors.g.cs"));
        var ids = System.Text.RegularExpressions.Regex.Matches(generated, "Rule\\(\"([^\"]+)\"\\)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(Catalog.Rules.Select(r => r.Id).OrderBy(x => x, StringComparer.Ordinal), ids.OrderBy(x => x, StringComparer.Ordinal));
        Assert.Same(Catalog.Rule("POOL-KERNEL"), AneCompat.Rules.Catalog.Descriptors.PoolKernel);
    }

    [CorpusFact]
    public void FindingsCarryTheirDescriptor()
    {
        var graph = ModelReader.Read(Support.Corpus.Path("blazeface-nms-pipeline/blazeface_pipeline.mlmodel"));
        var analysis = RuleEngine.Default.Evaluate(graph, AneCompat.Targets.ChipProfiles.Default);
        Assert.All(analysis.Findings, f => Assert.Equal(f.RuleId, f.Descriptor?.Id));
    }
}
