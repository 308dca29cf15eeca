using AneCompat.Evaluation;
using AneCompat.Schema;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S2: a broadcastable add/subtract/multiply whose other operand is a one-element finite constant is folded into
/// the Core ML 2 layer's <c>alpha</c>: x+c → add(α=c), x·c → multiply(α=c), x−c → add(α=−c), and c−x → linear
/// activation (α=−1, β=c) — operand order respected. Division (x/c ≠ x·(1/c) in the last ulp) is not folded.
/// </summary>
public sealed class ScalarConstantFix : Fix
{
    public override string Id => "S2";
    public override string RuleId => "NN-BROADCASTABLE-ND";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "scalar-constant operand folded into alpha / a linear activation";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase is not (Kind.AddBroadcastable or Kind.MultiplyBroadcastable or Kind.SubtractBroadcastable or Kind.DivideBroadcastable)) continue;
            if (layer.Input.Count != 2) continue;
            var c0 = net.ConstantProducer(layer.Input[0]);
            var c1 = net.ConstantProducer(layer.Input[1]);
            if ((c0 is null) == (c1 is null)) continue;
            var constIndex = (c0 ?? c1)!.Value;
            var constFirst = c0 is not null;
            var constLayer = net.Layers[constIndex];
            var constShape = constLayer.LayerCase == Kind.LoadConstantND ? constLayer.LoadConstantND.Shape : constLayer.LoadConstant.Shape;
            if (constShape.Aggregate(1UL, (a, b) => a * b) != 1) continue; // per-channel constants: S4
            var p = new FixProposal(this, net.Member, i, layer.Name);
            if (layer.LayerCase == Kind.DivideBroadcastable)
            {
                yield return p with { NotApplicable = "division by a constant is not folded: x·(1/c) differs from x/c in the last bit" };
                continue;
            }
            var full = net.Full(constIndex);
            var value = ScalarOf(full);
            if (value is null)
            {
                yield return p with { NotApplicable = $"constant '{constLayer.Name}' is not a plain fp32/fp16 value" };
                continue;
            }
            if (!float.IsFinite(value.Value))
            {
                yield return p with { NotApplicable = $"constant '{constLayer.Name}' is {value}; only finite constants are folded" };
                continue;
            }
            var c = value.Value;
            var x = layer.Input[constFirst ? 1 : 0];
            var xShape = net.ShapeOf(x);
            var rank = xShape?.Length ?? net.Shapes.GetValueOrDefault(x)?.Rank;
            if (constShape.Count > 1 && (rank is null || rank < constShape.Count))
            {
                yield return p with { NotApplicable = $"the constant has rank {constShape.Count} and the other input rank {rank?.ToString() ?? "unknown"}; broadcasting could change the output's rank" };
                continue;
            }
            NeuralNetworkLayer replacement;
            string what;
            switch (layer.LayerCase)
            {
                case Kind.AddBroadcastable:
                    replacement = LayerFactory.Like(layer, [x], layer.Output);
                    replacement.Add = new AddLayerParams { Alpha = c };
                    what = $"add(alpha={c:R})";
                    break;
                case Kind.MultiplyBroadcastable:
                    replacement = LayerFactory.Like(layer, [x], layer.Output);
                    replacement.Multiply = new MultiplyLayerParams { Alpha = c };
                    what = $"multiply(alpha={c:R})";
                    break;
                case Kind.SubtractBroadcastable when !constFirst:
                    replacement = LayerFactory.Like(layer, [x], layer.Output);
                    replacement.Add = new AddLayerParams { Alpha = -c };
                    what = $"x − c → add(alpha={-c:R})";
                    break;
                default:
                    replacement = LayerFactory.Linear(layer.Name, x, layer.Output[0], -1f, c);
                    what = $"c − x → linear activation(alpha=-1, beta={c:R})";
                    break;
            }
            var shapes = xShape is not null
                ? LayerFactory.Variants(new Dictionary<string, long[]> { [x] = xShape }, LayerFactory.Small)
                : Enumerable.Range(0, 3).Select(k => (IReadOnlyDictionary<string, long[]>)new Dictionary<string, long[]> { [x] = LayerFactory.Small(new long[Math.Max(constShape.Count, 1) + k], k) }).ToList();
            yield return p with
            {
                Description = $"{layer.LayerCase} with constant '{constLayer.Name}' = {c:R} → {what}",
                Replacement = [replacement],
                FoldedConstants = [constIndex],
                Check = new EquivalenceCase([full, layer], [replacement], layer.Output, shapes),
            };
        }
    }

    private static float? ScalarOf(NeuralNetworkLayer constant)
    {
        try
        {
            var values = WeightValues.Read(constant.LayerCase == Kind.LoadConstantND ? constant.LoadConstantND.Data : constant.LoadConstant.Data, -1, "constant");
            return values.Length == 1 ? values[0] : null;
        }
        catch (Exception e) when (e is NotCoveredException or ArgumentException) { return null; }
    }
}
