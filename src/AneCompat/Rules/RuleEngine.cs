using AneCompat.Graph;
using AneCompat.Rules.Catalog;
using AneCompat.Targets;

namespace AneCompat.Rules;

/// <summary>
/// Runs the rule catalog over a graph for a target chip. One walk over the model tree: model checks per node, then
/// every op is looked up in the status tables (its status, and the findings its table row asserts) and handed to the
/// op checks registered for its kind.
/// </summary>
public sealed class RuleEngine
{
    private readonly RuleCatalog _catalog;
    private readonly IReadOnlyList<IModelRule> _modelRules;
    private readonly IOpRule[] _everyOp;
    /// <summary>Per kind, the checks for every op followed by those registered for the kind: one array per op, no per-op merging.</summary>
    private readonly Dictionary<string, IOpRule[]> _forKind;

    public static RuleEngine Default { get; } = new(RuleCatalog.Default, BuiltInChecks.OpRules, BuiltInChecks.ModelRules);

    public RuleEngine(RuleCatalog catalog, IEnumerable<IOpRule> opRules, IEnumerable<IModelRule> modelRules)
    {
        _catalog = catalog;
        _modelRules = modelRules.ToList();
        var ops = opRules.ToList();
        _everyOp = ops.Where(r => r.Kinds.Count == 0).ToArray();
        var byKind = new Dictionary<string, List<IOpRule>>(StringComparer.Ordinal);
        foreach (var rule in ops)
            foreach (var kind in rule.Kinds.Select(k => k.Name))
                (byKind.TryGetValue(kind, out var list) ? list : byKind[kind] = new List<IOpRule>()).Add(rule);
        _forKind = byKind.ToDictionary(kv => kv.Key, kv => _everyOp.Concat(kv.Value).ToArray(), StringComparer.Ordinal);
    }

    public RuleCatalog Catalog => _catalog;

    public Analysis Evaluate(ModelGraph graph, ChipProfile target)
    {
        var findings = new List<Finding>();
        // Sized up front for the top-level ops (nested ones are few), read off the lists without walking the graph: a
        // growing map re-allocates its tables a dozen times on the way.
        var topLevelOps = 0;
        foreach (var node in graph.Root.SelfAndDescendants())
            foreach (var function in node.Functions)
                topLevelOps += function.Body.Ops.Count;
        var statuses = new Dictionary<int, OpStatus>(topLevelOps);
        foreach (var node in graph.Root.SelfAndDescendants())
        {
            var modelCtx = new ModelContext(graph, node, target, _catalog);
            foreach (var rule in _modelRules)
                findings.AddRange(rule.Check(modelCtx));
            foreach (var function in node.Functions)
            {
                var inputs = function.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
                var perFunction = new Dictionary<object, object>(ReferenceEqualityComparer.Instance);
                OpContext? ctx = null;
                foreach (var op in function.Body.AllOps())
                {
                    var entry = modelCtx.Entry(op.Source);
                    statuses[op.Index] = entry?.Status ?? OpStatus.Unknown;
                    // One context per function, moved from op to op: every check's findings are collected (AddRange)
                    // before it moves, and a context per op was a hundred bytes of fresh memory for each.
                    if (ctx is null) ctx = new OpContext(graph, node, function, op, entry, target, _catalog, inputs, perFunction);
                    else ctx.MoveTo(op, entry);
                    if (HasTableFindings(entry)) findings.AddRange(TableFindings(ctx));
                    foreach (var rule in _forKind.TryGetValue(op.Kind, out var rules) ? rules : _everyOp)
                    {
                        // Most checks find nothing and say so with an empty array: skip AddRange's interface casts.
                        var found = rule.Check(ctx);
                        if (found is not Finding[] { Length: 0 }) findings.AddRange(found);
                    }
                }
            }
        }
        var unique = findings
            .DistinctBy(f => (f.RuleId, f.OpIndex, f.OpIndex is null ? f.ModelPath : null))
            .OrderBy(f => f.OpIndex ?? -1).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();
        return new Analysis(graph, target, unique, statuses);
    }

    /// <summary>False when <see cref="TableFindings"/> would yield nothing (a plainly supported op): most ops of a model.</summary>
    private static bool HasTableFindings(OpEntry? entry) =>
        entry is null || entry.Rules.Count > 0 || entry.Status is OpStatus.Unsupported or OpStatus.Unknown or OpStatus.Host;

    /// <summary>What the op's table row asserts by itself: its §1 rules, or its bare status when no rule names it.</summary>
    private static IEnumerable<Finding> TableFindings(OpContext ctx)
    {
        var entry = ctx.Entry;
        if (entry is null)
        {
            yield return ctx.Report(Descriptors.OpUnknown,
                $"{ctx.Label}: the op type '{ctx.Op.Source}' is not in the catalog (no MIL op, NeuralNetwork layer or espresso layer of that name); its placement is unknown.");
            yield break;
        }
        foreach (var id in entry.Rules)
        {
            var rule = ctx.Catalog.Rule(id);
            if (!rule.EvaluatedBy(RuleEvaluation.Table)) continue;
            yield return ctx.Report(rule, TableMessage(ctx, entry, rule));
        }
        if (entry.Rules.Count > 0) yield break;
        var effect = entry.Status switch
        {
            OpStatus.Unsupported => Effect.OpToCpu,
            OpStatus.Unknown => Effect.Unknown,
            OpStatus.Host => Effect.Host,
            _ => (Effect?)null,
        };
        if (effect is null) yield break;
        var f = ctx.Report(Descriptors.OpTable, $"{ctx.Label}: {entry.TableLabel} status {entry.StatusCode} ({entry.ConfidenceText}): {Describe(entry)}",
            effect, entry.Confidence);
        yield return f with { Sources = entry.Evidence };
    }

    private static string TableMessage(OpContext ctx, OpEntry entry, RuleDescriptor rule)
    {
        var note = entry.Notes.Length > 0 ? " " + entry.Notes : "";
        return $"{ctx.Label}: {rule.Title} [{entry.TableLabel} status {entry.StatusCode}].{note}";
    }

    private static string Describe(OpEntry entry) => entry.Notes.Length > 0 ? entry.Notes : entry.Status switch
    {
        OpStatus.Unsupported => "not on the ANE.",
        OpStatus.Unknown => "no placement report found; unknown.",
        _ => "runs on the host.",
    };
}
