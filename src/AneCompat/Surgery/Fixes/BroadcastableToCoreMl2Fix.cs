using AneCompat.Schema;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S1: <c>addBroadcastable</c>, <c>multiplyBroadcastable</c>, <c>maxBroadcastable</c>, <c>minBroadcastable</c> →
/// the Core ML 2 <c>add</c>, <c>multiply</c>, <c>max</c>, <c>min</c> — exact only when both inputs have identical
/// shapes (the old layers broadcast only per channel or pixel, and <c>multiply</c> takes its first input's shape).
/// Operands that are constants are left to S2 (scalars) and S4 (per-channel).
/// </summary>
public sealed class BroadcastableToCoreMl2Fix : Fix
{
    public override string Id => "S1";
    public override string RuleId => "NN-BROADCASTABLE-ND";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "broadcastable layer → Core ML 2 layer (identical input shapes)";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase is not (Kind.AddBroadcastable or Kind.MultiplyBroadcastable or Kind.MaxBroadcastable or Kind.MinBroadcastable)) continue;
            if (layer.Input.Count != 2) continue;
            var p = new FixProposal(this, net.Member, i, layer.Name);
            if (layer.Input.Any(b => net.ConstantProducer(b) is not null))
            {
                // Constant operands of add/multiply are S2's (scalars) and S4's (per channel); max/min have no such form.
                if (layer.LayerCase is Kind.MaxBroadcastable or Kind.MinBroadcastable)
                    yield return p with { NotApplicable = "an operand is a constant; the Core ML 2 max/min layers take no constant operand" };
                continue;
            }
            var a = net.ShapeOf(layer.Input[0]);
            var b = net.ShapeOf(layer.Input[1]);
            if (a is null || b is null)
            {
                yield return p with { NotApplicable = $"input shapes {LayerFactory.Shape(a)} and {LayerFactory.Shape(b)} are not known statically; identical shapes cannot be proven" };
                continue;
            }
            if (!a.SequenceEqual(b))
            {
                yield return p with { NotApplicable = $"input shapes {LayerFactory.Shape(a)} and {LayerFactory.Shape(b)} differ; the Core ML 2 layer does not broadcast the same way" };
                continue;
            }
            var replacement = LayerFactory.Same(layer);
            switch (layer.LayerCase)
            {
                case Kind.AddBroadcastable: replacement.Add = new AddLayerParams(); break;
                case Kind.MultiplyBroadcastable: replacement.Multiply = new MultiplyLayerParams(); break;
                case Kind.MaxBroadcastable: replacement.Max = new MaxLayerParams(); break;
                default: replacement.Min = new MinLayerParams(); break;
            }
            var real = new Dictionary<string, long[]> { [layer.Input[0]] = a, [layer.Input[1]] = b };
            yield return p with
            {
                Description = $"{layer.LayerCase} → {replacement.LayerCase} (both inputs {LayerFactory.Shape(a)})",
                Replacement = [replacement],
                Check = new EquivalenceCase([layer], [replacement], layer.Output,
                    LayerFactory.Variants(real, (s, k) => LayerFactory.Small(a, k)).Select(d =>
                        (IReadOnlyDictionary<string, long[]>)new Dictionary<string, long[]> { [layer.Input[0]] = d.Values.First(), [layer.Input[1]] = d.Values.First() }).ToList()),
            };
        }
    }
}
