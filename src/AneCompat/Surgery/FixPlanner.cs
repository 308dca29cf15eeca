using AneCompat.Graph;
using AneCompat.Surgery.Fixes;
using AneCompat.Writing;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery;

/// <summary>Why <c>fix</c> will not rewrite the model at all (exit 5).</summary>
public sealed class FixRefusedException(string message) : Exception(message);

/// <summary>What <c>fix</c> will do: every proposal (applied or not, and why), after the numerical checks.</summary>
public sealed class FixPlan
{
    public List<FixProposal> Proposals { get; } = new();

    /// <summary>Parts of the model no fix looks at, and why (one line each).</summary>
    public List<string> Notes { get; } = new();

    /// <summary>Results of the equivalence checks, by proposal.</summary>
    public Dictionary<FixProposal, EquivalenceChecker.Result> Checks { get; } = new(ReferenceEqualityComparer.Instance);

    public IEnumerable<FixProposal> Applied => Proposals.Where(p => p.Applicable);
    public IEnumerable<FixProposal> Skipped => Proposals.Where(p => !p.Applicable);

    /// <summary>Final spec version per member path (only those that change).</summary>
    public Dictionary<string, (int From, int To)> SpecificationVersions { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Chooses the rewrites for a model: runs every selected <see cref="Fix"/> over every NeuralNetwork (pipeline
/// members too), gives each layer to the first fix that applies, proves each rewrite with the reference evaluator
/// (a failed check cancels it), refuses models where a rewrite would touch what must not change, and applies the
/// plan to a <see cref="RewritableModel"/>.
/// </summary>
public static class FixPlanner
{
    /// <summary>Every fix, in the order they claim layers (specific before general).</summary>
    public static IReadOnlyList<Fix> All { get; } =
    [
        new MaskConstantFix(), new ScalarConstantFix(), new ChannelConstantToScaleFix(), new BroadcastableToCoreMl2Fix(), new SubtractBroadcastableFix(),
        new ConcatSplitNdFix(), new DilatedConvolutionFix(), new RangeShapeFix(), new Fp16WeightsFix(), new Fp16InterfaceFix(),
        new ProgramFp16ComputeFix(),
    ];

    public static bool Selected(Fix fix, FixOptions options)
    {
        var named = options.Only.Any(o => string.Equals(o, fix.Id, StringComparison.OrdinalIgnoreCase) || string.Equals(o, fix.RuleId, StringComparison.OrdinalIgnoreCase));
        if (options.Only.Count > 0 && !named) return false;
        if (fix.Safety == FixSafety.Approximate && !options.AllowApproximate && !named) return false;
        if (fix.OptIn && !named && !(fix is DilatedConvolutionFix && options.ExpandDilated)) return false;
        return true;
    }

    public static FixPlan Plan(RewritableModel model, ModelGraph graph, FixOptions options)
    {
        var plan = new FixPlan();
        var fixes = All.Where(f => Selected(f, options)).ToList();
        foreach (var site in model.Root.SelfAndDescendants())
        {
            if (site.Spec.TypeCase == Schema.Model.TypeOneofCase.MlProgram)
            {
                var d = site.Spec.Description;
                var multi = d?.Functions.Count > 1 || site.Spec.MlProgram.Functions.Count > 1;
                var stateful = d?.State.Count > 0 || d?.Functions.Any(f => f.State.Count > 0) == true;
                foreach (var fix in fixes)
                    foreach (var proposal in fix.ProposeProgram(site, options))
                    {
                        var p = Approve(proposal, options, plan);
                        if (p.Applicable && (multi || stateful))
                            throw new FixRefusedException($"{(multi ? "multi-function" : "stateful")} ML program: {p.Fix.Id} would {(p.Fix is Fp16InterfaceFix ? "change the interface of" : "rewrite")} {p.Where}; refusing (exclude it with --rule)");
                        plan.Proposals.Add(p);
                    }
                continue;
            }
            if (site.Layers is null) continue;
            var net = new NetworkContext(site, graph, options);
            var claimed = new HashSet<int>();
            foreach (var fix in fixes)
            {
                foreach (var proposal in fix.Propose(net))
                {
                    var p = proposal;
                    if (p.LayerIndex >= 0 && claimed.Contains(p.LayerIndex)) continue;
                    // A constant S11 rewrites must not also be folded into another layer with its old value.
                    if (p.Applicable && p.FoldedConstants.Any(claimed.Contains))
                        p = p with { NotApplicable = "its constant operand is rewritten by another fix (S11)" };
                    if (p.Applicable && fix.Safety == FixSafety.Approximate && !options.AllowApproximate)
                        p = p with { NotApplicable = NeedsApproximate };
                    if (p.Applicable && fix is Fp16WeightsFix && site.Spec.IsUpdatable)
                        throw new FixRefusedException($"updatable model: {p.Fix.Id} would round the weights of {p.Where} to fp16, which training cannot use; refusing");
                    if (p.Applicable && p.LayerIndex >= 0 && net.BackPropagationPath.Contains(p.LayerIndex))
                        throw new FixRefusedException($"updatable model: {p.Fix.Id} would rewrite layer {p.Where} on the back-propagation path; refusing (exclude it with --rule)");
                    if (p.Applicable && p.Check is not null)
                    {
                        var result = EquivalenceChecker.Check(p.Check);
                        plan.Checks[p] = result;
                        if (!result.Passed) p = p with { NotApplicable = $"equivalence check failed: {result.Problem}" };
                    }
                    if (p.Applicable && p.LayerIndex >= 0) claimed.Add(p.LayerIndex);
                    plan.Proposals.Add(p);
                }
            }
        }
        ComputeSpecificationVersions(model, plan);
        return plan;
    }

    private const string NeedsApproximate = "approximate rewrite: needs --allow-approximate";

    /// <summary>An ML-program proposal as the plan keeps it: approximate ones only when allowed, and each proven by
    /// its check first (proposals of one program-wide rewrite share the check's result).</summary>
    private static FixProposal Approve(FixProposal p, FixOptions options, FixPlan plan)
    {
        if (!p.Applicable) return p;
        if (p.Fix.Safety == FixSafety.Approximate && !options.AllowApproximate) return p with { NotApplicable = NeedsApproximate };
        if (p.ProgramCheck is null) return p;
        var result = p.ProgramCheck();
        if (!result.Passed) return p with { NotApplicable = $"equivalence check failed: {result.Problem}" };
        plan.Checks[p] = result;
        return p;
    }

    private static void ComputeSpecificationVersions(RewritableModel model, FixPlan plan)
    {
        // Returns what the applied rewrites require of this model and its members (a pipeline needs at least
        // its members' versions); versions the original file already has are never lowered.
        int Visit(ModelSite site)
        {
            var required = plan.Applied.Where(p => p.Member == site.Path).Select(p => p.RequiredSpecificationVersion).DefaultIfEmpty(0).Max();
            foreach (var m in site.Members) required = Math.Max(required, Visit(m));
            var original = site.Spec.SpecificationVersion;
            if (required > original) plan.SpecificationVersions[site.Path] = (original, required);
            return required;
        }
        Visit(model.Root);
    }

    /// <summary>Applies the plan's applicable rewrites to <paramref name="model"/>'s edits.</summary>
    public static void Apply(RewritableModel model, FixPlan plan)
    {
        foreach (var site in model.Root.SelfAndDescendants())
        {
            var mine = plan.Applied.Where(p => p.Member == site.Path).ToList();
            if (mine.Count == 0) continue;
            foreach (var p in mine)
            {
                if (p.ApplyToModel is not null) p.ApplyToModel(site);
                else site.ReplaceLayer(p.LayerIndex, p.Replacement);
            }
            RemoveDeadConstants(site, mine);
        }
        foreach (var site in model.Root.SelfAndDescendants())
            if (plan.SpecificationVersions.TryGetValue(site.Path, out var v)) site.SetSpecificationVersion(v.To);
    }

    /// <summary>A folded constant layer is removed when no remaining layer reads it and it is not a model output.</summary>
    private static void RemoveDeadConstants(ModelSite site, List<FixProposal> applied)
    {
        if (site.Layers is null) return;
        var layers = site.Layers;
        var replaced = applied.Where(p => p.LayerIndex >= 0).ToDictionary(p => p.LayerIndex);
        var outputs = new HashSet<string>(site.Spec.Description?.Output.Select(o => o.Name) ?? [], StringComparer.Ordinal);
        var reads = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < layers.Count; i++)
        {
            var inputs = replaced.TryGetValue(i, out var p) ? p.Replacement.SelectMany(l => l.Input) : layers[i].Input;
            foreach (var b in inputs) reads.Add(b);
            foreach (var b in NestedInputs(layers[i])) reads.Add(b);
        }
        foreach (var c in applied.SelectMany(p => p.FoldedConstants).Distinct())
        {
            if (replaced.ContainsKey(c)) continue;
            var layer = layers[c];
            if (layer.LayerCase is not (Kind.LoadConstantND or Kind.LoadConstant)) continue;
            if (layer.Output.Any(o => reads.Contains(o) || outputs.Contains(o))) continue;
            site.ReplaceLayer(c, []);
        }
    }

    /// <summary>Blobs read inside a branch or loop layer's nested networks (they may read outer blobs).</summary>
    private static IEnumerable<string> NestedInputs(Schema.NeuralNetworkLayer layer)
    {
        var nets = layer.LayerCase switch
        {
            Kind.Branch => new[] { layer.Branch.IfBranch, layer.Branch.ElseBranch },
            Kind.Loop => new[] { layer.Loop.ConditionNetwork, layer.Loop.BodyNetwork },
            _ => [],
        };
        foreach (var n in nets)
        {
            if (n is null) continue;
            foreach (var l in n.Layers)
            {
                foreach (var b in l.Input) yield return b;
                foreach (var b in NestedInputs(l)) yield return b;
            }
        }
    }
}
