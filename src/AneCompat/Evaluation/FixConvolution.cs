using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>Reference 2-D convolution (groups, stride, dilation, valid and same padding) over the last three axes [C,H,W].</summary>
public static class FixConvolution
{
    public static FixTensor Run(ConvolutionLayerParams p, FixTensor x)
    {
        if (p.IsDeconvolution) throw new FixEvaluationException("deconvolution is not covered by the fix evaluator");
        if (x.Rank < 3) throw new FixEvaluationException("convolution needs rank ≥ 3");
        var w = FixLayerEvaluator.Floats(p.Weights);
        var bias = p.HasBias ? FixLayerEvaluator.Floats(p.Bias) : null;
        long cin = x.Shape[^3], h = x.Shape[^2], wd = x.Shape[^1];
        long cout = (long)p.OutputChannels, groups = Math.Max(1, (long)p.NGroups);
        long kh = p.KernelSize.Count > 0 ? (long)p.KernelSize[0] : 3, kw = p.KernelSize.Count > 1 ? (long)p.KernelSize[1] : 3;
        long sh = p.Stride.Count > 0 ? (long)p.Stride[0] : 1, sw = p.Stride.Count > 1 ? (long)p.Stride[1] : 1;
        long dh = p.DilationFactor.Count > 0 ? (long)p.DilationFactor[0] : 1, dw = p.DilationFactor.Count > 1 ? (long)p.DilationFactor[1] : 1;
        long ekh = (kh - 1) * dh + 1, ekw = (kw - 1) * dw + 1;
        long cinPerGroup = cin / groups, coutPerGroup = cout / groups;
        if (w.Length != cout * cinPerGroup * kh * kw) throw new FixEvaluationException("convolution weights do not match the kernel");
        long top, left, oh, ow;
        if (p.ConvolutionPaddingTypeCase == ConvolutionLayerParams.ConvolutionPaddingTypeOneofCase.Same)
        {
            oh = (h + sh - 1) / sh;
            ow = (wd + sw - 1) / sw;
            long padH = Math.Max(0, (oh - 1) * sh + ekh - h), padW = Math.Max(0, (ow - 1) * sw + ekw - wd);
            var topLeftHeavy = p.Same.AsymmetryMode == SamePadding.Types.SamePaddingMode.TopLeftHeavy;
            top = topLeftHeavy ? (padH + 1) / 2 : padH / 2;
            left = topLeftHeavy ? (padW + 1) / 2 : padW / 2;
        }
        else
        {
            var amounts = p.Valid?.PaddingAmounts?.BorderAmounts_;
            long t = 0, b = 0, l = 0, r = 0;
            if (amounts is { Count: 2 }) { t = (long)amounts[0].StartEdgeSize; b = (long)amounts[0].EndEdgeSize; l = (long)amounts[1].StartEdgeSize; r = (long)amounts[1].EndEdgeSize; }
            top = t;
            left = l;
            oh = (h + t + b - ekh) / sh + 1;
            ow = (wd + l + r - ekw) / sw + 1;
        }
        if (oh <= 0 || ow <= 0) throw new FixEvaluationException("convolution output would be empty");
        var batch = x.Shape.Take(x.Rank - 3).Aggregate(1L, (a, c) => a * c);
        var shape = x.Shape.Take(x.Rank - 3).Concat([cout, oh, ow]).ToArray();
        var y = new float[batch * cout * oh * ow];
        for (long n = 0; n < batch; n++)
            for (long co = 0; co < cout; co++)
            {
                var g = co / coutPerGroup;
                for (long i = 0; i < oh; i++)
                    for (long j = 0; j < ow; j++)
                    {
                        var acc = bias is { Length: > 0 } ? bias[co] : 0f;
                        for (long ci = 0; ci < cinPerGroup; ci++)
                            for (long a = 0; a < kh; a++)
                            {
                                var yy = i * sh - top + a * dh;
                                if (yy < 0 || yy >= h) continue;
                                for (long c = 0; c < kw; c++)
                                {
                                    var xx = j * sw - left + c * dw;
                                    if (xx < 0 || xx >= wd) continue;
                                    acc += w[((co * cinPerGroup + ci) * kh + a) * kw + c] * x.Data[((n * cin + g * cinPerGroup + ci) * h + yy) * wd + xx];
                                }
                            }
                        y[((n * cout + co) * oh + i) * ow + j] = acc;
                    }
            }
        return new FixTensor(shape, y);
    }
}
