using AneCompat.Schema;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S3: <c>subtractBroadcastable(x, y)</c> → linear activation (α=−1) on y, then <c>add(x, −y)</c>. There is no
/// Core ML 2 subtract; negation is exact in IEEE arithmetic. Same precondition as S1: identical input shapes.
/// </summary>
public sealed class SubtractBroadcastableFix : Fix
{
    public override string Id => "S3";
    public override string RuleId => "NN-BROADCASTABLE-ND";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "subtractBroadcastable → negate + add (identical input shapes)";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase != Kind.SubtractBroadcastable || layer.Input.Count != 2) continue;
            var c0 = net.ConstantProducer(layer.Input[0]);
            var c1 = net.ConstantProducer(layer.Input[1]);
            // A one-element constant operand is S2's.
            if (c0 is not null && IsScalar(net.Layers[c0.Value]) || c1 is not null && IsScalar(net.Layers[c1.Value])) continue;
            var p = new FixProposal(this, net.Member, i, layer.Name);
            var a = net.ShapeOf(layer.Input[0]);
            var b = net.ShapeOf(layer.Input[1]);
            if (a is null || b is null || !a.SequenceEqual(b))
            {
                yield return p with { NotApplicable = a is null || b is null
                    ? $"input shapes {LayerFactory.Shape(a)} and {LayerFactory.Shape(b)} are not known statically; identical shapes cannot be proven"
                    : $"input shapes {LayerFactory.Shape(a)} and {LayerFactory.Shape(b)} differ; the Core ML 2 add does not broadcast the same way" };
                continue;
            }
            var negated = net.UniqueName(layer.Input[1] + "_neg");
            var negate = LayerFactory.Linear(net.UniqueName(layer.Name + "_neg"), layer.Input[1], negated, -1f, 0f);
            var add = LayerFactory.Like(layer, [layer.Input[0], negated], layer.Output);
            add.Add = new AddLayerParams();
            yield return p with
            {
                Description = $"subtractBroadcastable → linear(alpha=-1) '{negate.Name}' + add (both inputs {LayerFactory.Shape(a)})",
                Replacement = [negate, add],
                Check = new EquivalenceCase([layer], [negate, add], layer.Output,
                    LayerFactory.Variants(new Dictionary<string, long[]> { ["s"] = a }, LayerFactory.Small).Select(d =>
                        (IReadOnlyDictionary<string, long[]>)new Dictionary<string, long[]> { [layer.Input[0]] = d["s"], [layer.Input[1]] = d["s"] }).ToList()),
            };
        }
    }

    private static bool IsScalar(NeuralNetworkLayer c) =>
        (c.LayerCase == Kind.LoadConstantND ? c.LoadConstantND.Shape : c.LoadConstant.Shape).Aggregate(1UL, (x, y) => x * y) == 1;
}
