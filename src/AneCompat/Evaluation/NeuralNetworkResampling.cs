using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>
/// NeuralNetwork layers that change the spatial extent of a [..., C, H, W] tensor: <c>upsample</c> (nearest
/// neighbour, and bilinear in its three grid conventions), <c>padding</c> (constant, reflection, replication) and the
/// ND <c>constantPad</c>. Leading axes are batch.
/// </summary>
internal static class NeuralNetworkResampling
{
    /// <summary>
    /// Upsample by integer factors (nearest neighbour: each pixel repeated; bilinear) or fractional ones (bilinear).
    /// Bilinear samples the input at grid points per axis, as NeuralNetwork.proto defines them for an input of
    /// size n and an output of size m: DEFAULT i·(n − n/m)/(m − 1), ALIGN_CORNERS_TRUE i·(n − 1)/(m − 1),
    /// ALIGN_CORNERS_FALSE (i + 0.5)·n/m − 0.5, each clamped to [0, n − 1].
    /// </summary>
    public static Tensor Upsample(UpsampleLayerParams p, Tensor x, string name)
    {
        if (x.Rank < 3) throw new ArgumentException($"{name}: upsample needs rank ≥ 3");
        int h = x.Shape[^2], w = x.Shape[^1];
        int oh, ow;
        if (p.FractionalScalingFactor.Count == 2)
        {
            if (p.Mode != UpsampleLayerParams.Types.InterpolationMode.Bilinear) throw new ArgumentException($"{name}: fractional scaling needs bilinear mode");
            oh = (int)Math.Floor(h * p.FractionalScalingFactor[0]);
            ow = (int)Math.Floor(w * p.FractionalScalingFactor[1]);
        }
        else
        {
            var sh = p.ScalingFactor.Count > 0 ? (int)p.ScalingFactor[0] : 1;
            var sw = p.ScalingFactor.Count > 1 ? (int)p.ScalingFactor[1] : 1;
            if (sh < 1 || sw < 1) throw new ArgumentException($"{name}: scaling factors must be at least 1");
            oh = h * sh; ow = w * sw;
        }
        if (oh < 1 || ow < 1) throw new ArgumentException($"{name}: empty output");
        var planes = x.Count / (h * w);
        var y = new float[planes * oh * ow];
        var shape = (int[])x.Shape.Clone();
        shape[^2] = oh; shape[^1] = ow;
        if (p.Mode == UpsampleLayerParams.Types.InterpolationMode.Nn)
        {
            for (var c = 0; c < planes; c++)
                for (var i = 0; i < oh; i++)
                    for (var j = 0; j < ow; j++)
                        y[(c * oh + i) * ow + j] = x.Data[(c * h + i * h / oh) * w + j * w / ow];
            return new Tensor(shape, y, x.Type);
        }
        var gy = Grid(h, oh, p.LinearUpsampleMode);
        var gx = Grid(w, ow, p.LinearUpsampleMode);
        for (var c = 0; c < planes; c++)
            for (var i = 0; i < oh; i++)
            {
                int y0 = (int)Math.Floor(gy[i]), y1 = Math.Min(y0 + 1, h - 1);
                var fy = gy[i] - y0;
                for (var j = 0; j < ow; j++)
                {
                    int x0 = (int)Math.Floor(gx[j]), x1 = Math.Min(x0 + 1, w - 1);
                    var fx = gx[j] - x0;
                    double At(int r, int q) => x.Data[(c * h + r) * w + q];
                    var top = At(y0, x0) * (1 - fx) + At(y0, x1) * fx;
                    var bottom = At(y1, x0) * (1 - fx) + At(y1, x1) * fx;
                    y[(c * oh + i) * ow + j] = (float)(top * (1 - fy) + bottom * fy);
                }
            }
        return new Tensor(shape, y, x.Type);
    }

    private static double[] Grid(int n, int m, UpsampleLayerParams.Types.LinearUpsampleMode mode)
    {
        var g = new double[m];
        for (var i = 0; i < m; i++)
        {
            double v = mode switch
            {
                UpsampleLayerParams.Types.LinearUpsampleMode.AlignCornersTrue => m == 1 ? 0 : i * (n - 1.0) / (m - 1),
                UpsampleLayerParams.Types.LinearUpsampleMode.AlignCornersFalse => (i + 0.5) * n / m - 0.5,
                _ => m == 1 ? 0 : i * (n - (double)n / m) / (m - 1),
            };
            g[i] = Math.Clamp(v, 0, n - 1);
        }
        return g;
    }

    /// <summary>The legacy padding layer: [top, bottom] × [left, right] amounts on H and W.</summary>
    public static Tensor Padding(PaddingLayerParams p, Tensor x, string name)
    {
        if (x.Rank < 2) throw new ArgumentException($"{name}: padding needs rank ≥ 2");
        var amounts = p.PaddingAmounts?.BorderAmounts_;
        int Edge(int axis, bool end) => amounts is { Count: > 0 } && amounts.Count > axis
            ? (int)(end ? amounts[axis].EndEdgeSize : amounts[axis].StartEdgeSize) : 0;
        var before = new int[x.Rank]; var after = new int[x.Rank];
        before[^2] = Edge(0, false); after[^2] = Edge(0, true);
        before[^1] = Edge(1, false); after[^1] = Edge(1, true);
        return p.PaddingTypeCase switch
        {
            PaddingLayerParams.PaddingTypeOneofCase.Constant => Pad(x, before, after, p.Constant.Value, null, name),
            PaddingLayerParams.PaddingTypeOneofCase.Reflection => Pad(x, before, after, 0, Reflect, name),
            PaddingLayerParams.PaddingTypeOneofCase.Replication => Pad(x, before, after, 0, (i, n) => Math.Clamp(i, 0, n - 1), name),
            _ => throw new ArgumentException($"{name}: padding type not set"),
        };
    }

    /// <summary>numpy's "reflect": the edge is not repeated (…, 2, 1 | 0, 1, 2, … | n−2, n−3, …).</summary>
    private static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        var period = 2 * (n - 1);
        i = ((i % period) + period) % period;
        return i < n ? i : period - i;
    }

    /// <summary>The ND constantPad: (before, after) pairs per axis, from the parameter or a second input.</summary>
    public static Tensor ConstantPad(ConstantPaddingLayerParams p, IReadOnlyList<Tensor> x, string name)
    {
        if (p.PadToGivenOutputSizeMode) throw new NotCoveredException("constantPad (pad to a given output size)");
        var t = x[0];
        var amounts = x.Count > 1 ? x[1].Data.Select(v => (long)v).ToArray() : p.PadAmounts.Select(v => (long)v).ToArray();
        if (amounts.Length != 2 * t.Rank) throw new ArgumentException($"{name}: {amounts.Length} pad amounts for rank {t.Rank}");
        var before = new int[t.Rank]; var after = new int[t.Rank];
        for (var a = 0; a < t.Rank; a++) { before[a] = checked((int)amounts[2 * a]); after[a] = checked((int)amounts[2 * a + 1]); }
        return Pad(t, before, after, p.Value, null, name);
    }

    /// <summary>Pads every axis; <paramref name="source"/> maps an out-of-range index to the element it copies
    /// (reflection, replication), or null to write <paramref name="value"/>.</summary>
    private static Tensor Pad(Tensor x, int[] before, int[] after, float value, Func<int, int, int>? source, string name)
    {
        var shape = x.Shape.Select((d, a) => d + before[a] + after[a]).ToArray();
        if (shape.Any(d => d < 0) || before.Concat(after).Any(v => v < 0)) throw new ArgumentException($"{name}: negative padding");
        if (source is not null && x.Shape.Where((d, a) => (before[a] > 0 || after[a] > 0) && d == 0).Any())
            throw new ArgumentException($"{name}: cannot reflect or replicate an empty axis");
        var y = new float[Tensor.ElementCount(shape)];
        var strides = Tensor.Strides(x.Shape);
        var index = new int[shape.Length];
        for (var o = 0; o < y.Length; o++)
        {
            var at = 0L; var inside = true;
            for (var a = 0; a < shape.Length; a++)
            {
                var i = index[a] - before[a];
                if (i < 0 || i >= x.Shape[a])
                {
                    if (source is null) { inside = false; break; }
                    i = source(i, x.Shape[a]);
                }
                at += (long)i * strides[a];
            }
            y[o] = inside ? x.Data[at] : value;
            for (var a = shape.Length - 1; a >= 0; a--) { if (++index[a] < shape[a]) break; index[a] = 0; }
        }
        return new Tensor(shape, y, x.Type);
    }
}
