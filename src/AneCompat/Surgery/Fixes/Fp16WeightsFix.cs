using AneCompat.Schema;
using Google.Protobuf;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S10 (approximate): NeuralNetwork fp32 weights (<c>floatValue</c>) → <c>float16Value</c>, every weight of a layer
/// together (weights and bias must share a precision). Halves the file; the ANE computes in fp16 anyway, so it is a
/// size fix, not an ANE enabler. Refused for weights beyond ±65504; never for updatable models (the planner refuses).
/// Convolutions are checked with the evaluator against the declared bound; other layers by the per-weight rounding
/// bound (relative error ≤ 2⁻¹¹).
/// </summary>
public sealed class Fp16WeightsFix : Fix
{
    public override string Id => "S10";
    public override string RuleId => "FMT-NN-FP16";
    public override FixSafety Safety => FixSafety.Approximate;
    public override string Title => "fp32 weights → fp16 (weights rounded)";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            if (!HasFloatPayload(net.Layers[i])) continue;
            var p = new FixProposal(this, net.Member, i, net.Layers[i].Name);
            var full = net.Full(i);
            var converted = full.Clone();
            string? problem = null;
            var worst = 0.0;
            Visit(converted, w =>
            {
                if (w.FloatValue.Count == 0) return;
                var bytes = new byte[w.FloatValue.Count * 2];
                for (var k = 0; k < w.FloatValue.Count; k++)
                {
                    var v = w.FloatValue[k];
                    if (!float.IsFinite(v) || Math.Abs(v) > 65504f) { problem ??= $"weight {v} is beyond fp16's ±65504"; return; }
                    var h = (Half)v;
                    worst = Math.Max(worst, Math.Abs((double)(float)h - v) / Math.Max(Math.Abs((double)v), 6.1e-5));
                    BitConverter.TryWriteBytes(bytes.AsSpan(2 * k, 2), h);
                }
                w.FloatValue.Clear();
                w.Float16Value = ByteString.CopyFrom(bytes);
            });
            if (problem is not null) { yield return p with { NotApplicable = problem }; continue; }
            if (worst > 1.0 / 2048) { yield return p with { NotApplicable = $"rounding error {worst:G3} exceeds the fp16 bound 2^-11" }; continue; }
            EquivalenceCase? check = null;
            if (full.LayerCase == Kind.Convolution && !full.Convolution.IsDeconvolution && full.Input.Count == 1)
            {
                var c = full.Convolution;
                var cin = (long)c.KernelChannels * Math.Max(1, (long)c.NGroups);
                long kh = c.KernelSize.Count > 0 ? (long)c.KernelSize[0] : 3, kw = c.KernelSize.Count > 1 ? (long)c.KernelSize[1] : 3;
                long dh = c.DilationFactor.Count > 0 ? Math.Max(1, (long)c.DilationFactor[0]) : 1, dw = c.DilationFactor.Count > 1 ? Math.Max(1, (long)c.DilationFactor[1]) : 1;
                var h = (kh - 1) * dh + 3;
                var wd = (kw - 1) * dw + 4;
                // Declared bound: each product's weight is off by ≤ 2⁻¹¹ relative, so the sum by ≤ 2⁻¹¹·Σ|w·x|; with
                // |x| ≤ 2 and the error scaled by 1+|y|, 2⁻¹¹ · 2 · taps is a safe ceiling.
                var taps = (double)c.KernelChannels * kh * kw;
                check = new EquivalenceCase([full], [converted], full.Output,
                    [new Dictionary<string, long[]> { [full.Input[0]] = [1, cin, h, wd] }, new Dictionary<string, long[]> { [full.Input[0]] = [1, cin, h + 2, wd + 1] }],
                    Tolerance: 2.0 * taps / 2048);
            }
            yield return p with
            {
                Description = $"fp32 weights → fp16 (largest relative rounding {worst:G3})",
                Replacement = [converted],
                RequiredSpecificationVersion = 2,
                Check = check,
            };
        }
    }

    private static bool HasFloatPayload(NeuralNetworkLayer layer)
    {
        var found = false;
        Visit(layer, w => found |= w.FloatValue.Count > 0 || w.AnecompatElidedField == WeightParams.FloatValueFieldNumber);
        return found;
    }

    /// <summary>Every WeightParams of a layer (nested networks excluded: their layers are separate).</summary>
    private static void Visit(IMessage message, Action<WeightParams> action)
    {
        if (message is WeightParams w) { action(w); return; }
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != Google.Protobuf.Reflection.FieldType.Message || field.IsMap) continue;
            if (field.MessageType == NeuralNetwork.Descriptor) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IEnumerable)value) if (item is IMessage m) Visit(m, action);
            }
            else if (value is IMessage m) Visit(m, action);
        }
    }
}
