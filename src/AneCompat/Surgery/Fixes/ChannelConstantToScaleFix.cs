using AneCompat.Evaluation;
using AneCompat.Schema;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S4: a broadcastable multiply (add, or subtract of a constant) whose constant operand varies only per channel,
/// per pixel or per element of the last three axes ([C,1,1], [1,H,W], [C,H,W] after left-padding with ones) →
/// a Core ML 2 <c>scale</c> (or <c>bias</c>) layer. Preconditions: the input's shape is known, of rank ≥ 3, and the
/// constant broadcasts into it without growing it.
/// </summary>
public sealed class ChannelConstantToScaleFix : Fix
{
    public override string Id => "S4";
    public override string RuleId => "NN-BROADCASTABLE-ND";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "per-channel/per-pixel constant operand → scale or bias layer";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase is not (Kind.AddBroadcastable or Kind.MultiplyBroadcastable or Kind.SubtractBroadcastable) || layer.Input.Count != 2) continue;
            var c0 = net.ConstantProducer(layer.Input[0]);
            var c1 = net.ConstantProducer(layer.Input[1]);
            if ((c0 is null) == (c1 is null)) continue;
            var constIndex = (c0 ?? c1)!.Value;
            var constLayer = net.Layers[constIndex];
            var cShape = (constLayer.LayerCase == Kind.LoadConstantND ? constLayer.LoadConstantND.Shape : constLayer.LoadConstant.Shape).Select(v => (long)v).ToArray();
            if (cShape.Aggregate(1L, (a, b) => a * b) == 1) continue; // S2
            var p = new FixProposal(this, net.Member, i, layer.Name);
            if (layer.LayerCase == Kind.SubtractBroadcastable && c0 is not null)
            {
                yield return p with { NotApplicable = "constant − x has no scale/bias form (operand order)" };
                continue;
            }
            var x = layer.Input[c0 is null ? 0 : 1];
            var xShape = net.ShapeOf(x);
            if (xShape is null || xShape.Length < 3 || cShape.Length > xShape.Length)
            {
                yield return p with { NotApplicable = $"input shape {LayerFactory.Shape(xShape)}: scale/bias need a known shape of rank ≥ 3 that the constant {LayerFactory.Shape(cShape)} does not outrank" };
                continue;
            }
            var padded = Enumerable.Repeat(1L, xShape.Length - cShape.Length).Concat(cShape).ToArray();
            var lead = padded.Take(padded.Length - 3);
            long C = xShape[^3], H = xShape[^2], W = xShape[^1];
            long pc = padded[^3], ph = padded[^2], pw = padded[^1];
            long[]? paramShape = null;
            if (lead.Any(d => d != 1)) paramShape = null;
            else if (pc == C && ph == 1 && pw == 1) paramShape = [C];
            else if (pc == 1 && ph == H && pw == W) paramShape = [1, H, W];
            else if (pc == C && ph == H && pw == W) paramShape = [C, H, W];
            if (paramShape is null)
            {
                yield return p with { NotApplicable = $"constant shape {LayerFactory.Shape(cShape)} against input {LayerFactory.Shape(xShape)} is not per-channel [C,1,1], per-pixel [1,H,W] or [C,H,W]" };
                continue;
            }
            var full = net.Full(constIndex);
            var data = full.LayerCase == Kind.LoadConstantND ? full.LoadConstantND.Data : full.LoadConstant.Data;
            if (data.RawValue.Length > 0 || data.Int8RawValue.Length > 0)
            {
                yield return p with { NotApplicable = $"constant '{constLayer.Name}' is quantized" };
                continue;
            }
            var weights = data.Clone();
            if (layer.LayerCase == Kind.SubtractBroadcastable)
            {
                // x − c = x + (−c): negation is exact; fp16 payloads are re-encoded bit for bit with the sign flipped.
                weights = new WeightParams();
                if (data.FloatValue.Count > 0) weights.FloatValue.AddRange(data.FloatValue.Select(v => -v));
                else
                {
                    var bytes = data.Float16Value.ToByteArray();
                    for (var k = 1; k < bytes.Length; k += 2) bytes[k] ^= 0x80;
                    weights.Float16Value = Google.Protobuf.ByteString.CopyFrom(bytes);
                }
            }
            var replacement = LayerFactory.Like(layer, [x], layer.Output);
            var shapeParam = paramShape.Select(v => (ulong)v);
            if (layer.LayerCase == Kind.MultiplyBroadcastable)
            {
                replacement.Scale = new ScaleLayerParams { Scale = weights };
                replacement.Scale.ShapeScale.AddRange(shapeParam);
            }
            else
            {
                replacement.Bias = new BiasLayerParams { Bias = weights };
                replacement.Bias.Shape.AddRange(shapeParam);
            }
            var shapes = new List<IReadOnlyDictionary<string, long[]>>();
            if (xShape.Aggregate(1L, (a, b) => a * b) <= 1 << 18) shapes.Add(new Dictionary<string, long[]> { [x] = xShape });
            shapes.Add(new Dictionary<string, long[]> { [x] = xShape.Take(xShape.Length - 3).Select(_ => 2L).Concat(xShape.TakeLast(3)).ToArray() });
            yield return p with
            {
                Description = $"{layer.LayerCase} with constant '{constLayer.Name}' {LayerFactory.Shape(cShape)} → {replacement.LayerCase} {LayerFactory.Shape(paramShape)}",
                Replacement = [replacement],
                FoldedConstants = [constIndex],
                Check = new EquivalenceCase([full, layer], [replacement], layer.Output, shapes),
            };
        }
    }
}
