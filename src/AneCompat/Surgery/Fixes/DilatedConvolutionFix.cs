using AneCompat.Evaluation;
using AneCompat.Schema;
using Google.Protobuf;
using Kind = AneCompat.Schema.NeuralNetworkLayer.LayerOneofCase;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S7 (opt-in): a dilated convolution → a dense one whose kernel of size K+(K−1)(d−1) has the original taps with
/// zeros between them. Exact (the zero taps add exact zeros), padding unchanged, but the kernel grows: more MACs,
/// and Apple calls large kernels expensive on the ANE — so it is offered, not applied by default.
/// </summary>
public sealed class DilatedConvolutionFix : Fix
{
    public override string Id => "S7";
    public override string RuleId => "CONV-DILATION";
    public override FixSafety Safety => FixSafety.Exact;
    public override bool OptIn => true;
    public override string Title => "dilated convolution → dense zero-inserted kernel (bigger kernel)";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        for (var i = 0; i < net.Layers.Count; i++)
        {
            var layer = net.Layers[i];
            if (layer.LayerCase != Kind.Convolution) continue;
            var c = layer.Convolution;
            var dh = c.DilationFactor.Count > 0 ? (long)c.DilationFactor[0] : 1;
            var dw = c.DilationFactor.Count > 1 ? (long)c.DilationFactor[1] : 1;
            if (dh <= 1 && dw <= 1) continue;
            var p = new FixProposal(this, net.Member, i, layer.Name);
            if (c.IsDeconvolution) { yield return p with { NotApplicable = "deconvolution" }; continue; }
            if (layer.Input.Count != 1) { yield return p with { NotApplicable = "weights come from an input tensor" }; continue; }
            var full = net.Full(i);
            var w = full.Convolution.Weights;
            if (w is null || w.RawValue.Length > 0 || w.Int8RawValue.Length > 0) { yield return p with { NotApplicable = "quantized weights" }; continue; }
            long kh = c.KernelSize.Count > 0 ? (long)c.KernelSize[0] : 3, kw = c.KernelSize.Count > 1 ? (long)c.KernelSize[1] : 3;
            long ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
            long outC = (long)c.OutputChannels, inC = (long)c.KernelChannels;
            var fp16 = w.FloatValue.Count == 0;
            float[] src = WeightValues.Read(w, -1, $"layer '{layer.Name}' weights");
            if (src.LongLength != outC * inC * kh * kw) { yield return p with { NotApplicable = "weight count does not match the kernel" }; continue; }
            var dense = new float[outC * inC * ekh * ekw];
            for (long oc = 0; oc < outC * inC; oc++)
                for (long a = 0; a < kh; a++)
                    for (long b = 0; b < kw; b++)
                        dense[(oc * ekh + a * dh) * ekw + b * dw] = src[(oc * kh + a) * kw + b];
            var replacement = full.Clone();
            var rc = replacement.Convolution;
            rc.KernelSize.Clear();
            rc.KernelSize.Add((ulong)ekh);
            rc.KernelSize.Add((ulong)ekw);
            rc.DilationFactor.Clear();
            rc.DilationFactor.Add(1);
            rc.DilationFactor.Add(1);
            rc.Weights = new WeightParams { IsUpdatable = w.IsUpdatable };
            if (fp16)
            {
                var bytes = new byte[dense.Length * 2];
                for (var k = 0; k < dense.Length; k++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * k, 2), (Half)dense[k]);
                rc.Weights.Float16Value = ByteString.CopyFrom(bytes);
            }
            else rc.Weights.FloatValue.AddRange(dense);
            var inShape = net.ShapeOf(layer.Input[0]);
            var cin = inC * Math.Max(1, (long)c.NGroups);
            var shapes = new List<IReadOnlyDictionary<string, long[]>>
            {
                new Dictionary<string, long[]> { [layer.Input[0]] = [1, cin, ekh + 3, ekw + 2] },
                new Dictionary<string, long[]> { [layer.Input[0]] = [1, cin, ekh + 6, ekw + 7] },
            };
            if (inShape is { Length: >= 3 } && outC * inC * kh * kw * inShape[^1] * inShape[^2] <= 50_000_000) shapes.Add(new Dictionary<string, long[]> { [layer.Input[0]] = inShape });
            yield return p with
            {
                Description = $"dilation {dh}×{dw}, kernel {kh}×{kw} → dense kernel {ekh}×{ekw} ({(double)(ekh * ekw) / (kh * kw):0.#}× the MACs)",
                Replacement = [replacement],
                Check = new EquivalenceCase([full], [replacement], layer.Output, shapes, Tolerance: 1e-5),
            };
        }
    }
}
