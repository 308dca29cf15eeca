using AneCompat.Schema;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S5: <c>concatND</c> / <c>splitND</c> on axis −3 (rank ≥ 3) → Core ML 2 <c>concat</c> / <c>split</c>, which work
/// on axis −3 only; <c>concatND</c> must not interleave and <c>splitND</c> must split into equal parts.
/// </summary>
public sealed class ConcatSplitNdFix : Fix
{
    public override string Id => "S5";
    public override string RuleId => "NN-BROADCASTABLE-ND";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "concatND / splitND on axis −3 → concat / split";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase is not (Kind.ConcatND or Kind.SplitND)) continue;
            var p = new FixProposal(this, net.Member, i, layer.Name);
            var inShapes = layer.Input.Select(net.ShapeOf).ToList();
            var rank = layer.LayerCase == Kind.ConcatND
                ? inShapes.FirstOrDefault(s => s is not null)?.Length ?? net.Shapes.GetValueOrDefault(layer.Output[0])?.Rank
                : inShapes[0]?.Length ?? net.Shapes.GetValueOrDefault(layer.Input[0])?.Rank;
            var axis = layer.LayerCase == Kind.ConcatND ? layer.ConcatND.Axis : layer.SplitND.Axis;
            var normalized = axis < 0 || rank is null ? axis : axis - rank.Value;
            if (normalized != -3 || rank is < 3)
            {
                yield return p with { NotApplicable = $"axis {axis} (rank {rank?.ToString() ?? "unknown"}) is not the channel axis −3 that the Core ML 2 layer uses" };
                continue;
            }
            NeuralNetworkLayer replacement;
            if (layer.LayerCase == Kind.ConcatND)
            {
                if (layer.ConcatND.Interleave) { yield return p with { NotApplicable = "concatND interleaves; concat does not" }; continue; }
                replacement = LayerFactory.Same(layer);
                replacement.Concat = new ConcatLayerParams();
            }
            else
            {
                var sizes = layer.SplitND.SplitSizes;
                if (sizes.Count > 0 && sizes.Distinct().Count() > 1) { yield return p with { NotApplicable = $"splitND sizes [{string.Join(", ", sizes)}] are unequal; split makes equal parts" }; continue; }
                replacement = LayerFactory.Same(layer);
                replacement.Split = new SplitLayerParams { NOutputs = (ulong)layer.Output.Count };
            }
            var shapes = new List<IReadOnlyDictionary<string, long[]>>();
            if (inShapes.All(s => s is not null))
            {
                var real = new Dictionary<string, long[]>(StringComparer.Ordinal);
                for (var k = 0; k < layer.Input.Count; k++) real[layer.Input[k]] = inShapes[k]!;
                if (real.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)) <= 1 << 18) shapes.Add(real);
            }
            for (var v = 0; v < 2; v++)
            {
                var d = new Dictionary<string, long[]>(StringComparer.Ordinal);
                for (var k = 0; k < layer.Input.Count; k++)
                {
                    var s = Enumerable.Range(0, rank ?? 4).Select(j => (long)(2 + (j + v) % 3)).ToArray();
                    s[^3] = layer.LayerCase != Kind.SplitND ? 1 + (k + v) % 3
                        : layer.SplitND.SplitSizes.Count > 0 ? (long)layer.SplitND.SplitSizes.Aggregate(0UL, (a, b) => a + b) : layer.Output.Count * (1 + v);
                    d[layer.Input[k]] = s;
                }
                shapes.Add(d);
            }
            yield return p with
            {
                Description = $"{layer.LayerCase} (axis {axis}) → {replacement.LayerCase}",
                Replacement = [replacement],
                Check = new EquivalenceCase([layer], [replacement], layer.Output, shapes),
            };
        }
    }
}
