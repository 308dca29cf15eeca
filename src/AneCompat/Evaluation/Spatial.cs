namespace AneCompat.Evaluation;

/// <summary>Padding of the two spatial axes, in input pixels.</summary>
public readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    public static readonly Padding2D None = new(0, 0, 0, 0);

    /// <summary>"same" padding: the output is ceil(input / stride); the odd pixel goes to the end (bottom/right)
    /// unless <paramref name="beginHeavy"/>.</summary>
    public static Padding2D Same(int h, int w, int kh, int kw, int sh, int sw, int dh = 1, int dw = 1, bool beginHeavy = false)
    {
        static (int, int) Axis(int size, int k, int s, int d, bool beginHeavy)
        {
            var outSize = (size + s - 1) / s;
            var total = Math.Max((outSize - 1) * s + (k - 1) * d + 1 - size, 0);
            var small = total / 2;
            return beginHeavy ? (total - small, small) : (small, total - small);
        }
        var (t, b) = Axis(h, kh, sh, dh, beginHeavy);
        var (l, r) = Axis(w, kw, sw, dw, beginHeavy);
        return new Padding2D(t, b, l, r);
    }
}

public enum PoolKind { Max, Average, L2 }

/// <summary>2-D convolution and pooling over tensors [..., C, H, W] (leading axes are a batch).</summary>
public static class Spatial
{
    /// <summary>Views a rank ≥ 3 tensor as [N, C, H, W].</summary>
    private static (int N, int C, int H, int W) Nchw(Tensor x)
    {
        if (x.Rank < 3) throw new ArgumentException($"a spatial op needs rank ≥ 3, got {x}");
        var n = 1;
        for (var i = 0; i < x.Rank - 3; i++) n *= x.Shape[i];
        return (n, x.Shape[^3], x.Shape[^2], x.Shape[^1]);
    }

    private static int[] WithChw(Tensor x, int c, int h, int w)
    {
        var s = (int[])x.Shape.Clone();
        s[^3] = c; s[^2] = h; s[^1] = w;
        return s;
    }

    /// <param name="weights">[Cout, Cin/groups, kH, kW] row-major.</param>
    public static Tensor Conv2D(Tensor x, float[] weights, float[]? bias, int outChannels, int kh, int kw,
        int sh, int sw, int dh, int dw, Padding2D pad, int groups)
    {
        var (n, c, h, w) = Nchw(x);
        if (groups <= 0 || c % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{c} input and {outChannels} output channels do not divide into {groups} groups");
        var cg = c / groups; var og = outChannels / groups;
        if (weights.Length != (long)outChannels * cg * kh * kw)
            throw new ArgumentException($"convolution weights hold {weights.Length} values, expected {outChannels}·{cg}·{kh}·{kw}");
        if (bias is not null && bias.Length != outChannels) throw new ArgumentException("convolution bias size differs from output channels");
        var oh = (h + pad.Top + pad.Bottom - ((kh - 1) * dh + 1)) / sh + 1;
        var ow = (w + pad.Left + pad.Right - ((kw - 1) * dw + 1)) / sw + 1;
        if (oh <= 0 || ow <= 0) throw new ArgumentException("convolution output would be empty");
        var y = new float[n * outChannels * oh * ow];
        for (var b = 0; b < n; b++)
            for (var o = 0; o < outChannels; o++)
            {
                var g = o / og;
                for (var oy = 0; oy < oh; oy++)
                    for (var ox = 0; ox < ow; ox++)
                    {
                        double s = bias?[o] ?? 0;
                        for (var ci = 0; ci < cg; ci++)
                        {
                            var inC = g * cg + ci;
                            for (var ky = 0; ky < kh; ky++)
                            {
                                var iy = oy * sh - pad.Top + ky * dh;
                                if (iy < 0 || iy >= h) continue;
                                for (var kx = 0; kx < kw; kx++)
                                {
                                    var ix = ox * sw - pad.Left + kx * dw;
                                    if (ix < 0 || ix >= w) continue;
                                    s += (double)x.Data[((b * c + inC) * h + iy) * w + ix] * weights[((o * cg + ci) * kh + ky) * kw + kx];
                                }
                            }
                        }
                        y[((b * outChannels + o) * oh + oy) * ow + ox] = (float)s;
                    }
            }
        return new Tensor(WithChw(x, outChannels, oh, ow), y, x.Type);
    }

    /// <summary>Pooling. Output size is given (it depends on the format's rounding); windows are clipped to the padded
    /// input. Average divides by the count of input pixels when <paramref name="excludePadding"/>, else by the
    /// window's extent inside the padded input.</summary>
    public static Tensor Pool2D(Tensor x, PoolKind kind, int kh, int kw, int sh, int sw, Padding2D pad, int oh, int ow, bool excludePadding)
    {
        var (n, c, h, w) = Nchw(x);
        if (oh <= 0 || ow <= 0) throw new ArgumentException("pooling output would be empty");
        var y = new float[n * c * oh * ow];
        for (var p = 0; p < n * c; p++)
            for (var oy = 0; oy < oh; oy++)
                for (var ox = 0; ox < ow; ox++)
                {
                    var y0 = oy * sh - pad.Top; var x0 = ox * sw - pad.Left;
                    var y1 = Math.Min(y0 + kh, h + pad.Bottom); var x1 = Math.Min(x0 + kw, w + pad.Right);
                    double acc = kind == PoolKind.Max ? double.NegativeInfinity : 0;
                    var inside = 0;
                    for (var iy = Math.Max(y0, 0); iy < Math.Min(y1, h); iy++)
                        for (var ix = Math.Max(x0, 0); ix < Math.Min(x1, w); ix++)
                        {
                            var v = x.Data[(p * h + iy) * w + ix];
                            acc = kind switch { PoolKind.Max => Math.Max(acc, v), PoolKind.L2 => acc + (double)v * v, _ => acc + v };
                            inside++;
                        }
                    var extent = (y1 - y0) * (x1 - x0);
                    y[(p * oh + oy) * ow + ox] = kind switch
                    {
                        PoolKind.Max => inside == 0 ? 0 : (float)acc,
                        PoolKind.L2 => (float)Math.Sqrt(acc),
                        _ => (float)(acc / Math.Max(1, excludePadding ? inside : extent)),
                    };
                }
        return new Tensor(WithChw(x, c, oh, ow), y, x.Type);
    }
}
