using AneCompat.Graph;
using AneCompat.Schema;
using static AneCompat.Decoders.NeuralNetwork.Shapes.ShapeMath;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>
/// Output shapes of layers that change H and W, with the formulas of the NeuralNetwork format. They act on the last
/// three axes (C, H, W) and keep leading axes (see <see cref="ShapeConvention"/>).
/// </summary>
internal static class SpatialShapes
{
    /// <summary>Replaces the last three axes; unknown when the input has fewer than three.</summary>
    public static TensorShape WithChw(TensorShape x, Func<Dim, Dim, Dim, (Dim C, Dim H, Dim W)> f)
    {
        if (x.Dims is not { Count: >= 3 } d) return TensorShape.Unknown;
        var (c, h, w) = f(d[^3], d[^2], d[^1]);
        return WithChw(d, c, h, w);
    }

    /// <summary><paramref name="d"/> (rank 3 or more) with its last three axes replaced.</summary>
    private static TensorShape WithChw(IReadOnlyList<Dim> d, Dim c, Dim h, Dim w)
    {
        var dims = new Dim[d.Count];
        for (var i = 0; i < dims.Length - 3; i++) dims[i] = d[i];
        dims[^3] = c;
        dims[^2] = h;
        dims[^1] = w;
        return new TensorShape(dims);
    }

    private static long At(IReadOnlyList<ulong> values, int i, long fallback) =>
        values.Count == 2 ? (values[i] > int.MaxValue ? int.MaxValue : (long)values[i]) : fallback;

    private static (long Start, long End) Border(BorderAmounts? b, int axis) =>
        b is { BorderAmounts_.Count: 2 }
            ? ((long)Math.Min(b.BorderAmounts_[axis].StartEdgeSize, int.MaxValue), (long)Math.Min(b.BorderAmounts_[axis].EndEdgeSize, int.MaxValue))
            : (0, 0);

    public static TensorShape Convolution(NeuralNetworkLayer layer, TensorShape x)
    {
        // Straight code, no closures: this runs for every convolution of a network.
        if (x.Dims is not { Count: >= 3 } d) return TensorShape.Unknown;
        var c = layer.Convolution;
        var outChannels = c.OutputChannels > 0 ? Dim.Of((long)Math.Min(c.OutputChannels, long.MaxValue)) : Dim.Unknown;
        return WithChw(d, outChannels, ConvolutionAxis(c, d[^2], 0), ConvolutionAxis(c, d[^1], 1));
    }

    private static Dim ConvolutionAxis(ConvolutionLayerParams c, Dim size, int i)
    {
        var k = At(c.KernelSize, i, 3);
        var s = At(c.Stride, i, 1);
        var d = At(c.DilationFactor, i, 1);
        if (k <= 0 || s <= 0 || d <= 0) return Dim.Unknown;
        var dilated = (k - 1) * d + 1;
        var same = c.ConvolutionPaddingTypeCase == ConvolutionLayerParams.ConvolutionPaddingTypeOneofCase.Same;
        var (pb, pe) = Border(c.Valid?.PaddingAmounts, i);
        if (!c.IsDeconvolution)
        {
            // Unchecked arithmetic on clamped operands (s > 0): nothing here throws; a negative result is unknown.
            if (size.Size is not { } n) return Dim.Unknown;
            return NonNegative(same ? CeilDiv(n, s) : FloorDiv(n + pb + pe - dilated, s) + 1);
        }
        if (c.OutputShape.Count == 2) return Dim.Of((long)Math.Min(c.OutputShape[i], long.MaxValue));
        return same ? Map(size, n => checked(n * s)) : Map(size, n => checked((n - 1) * s + dilated - pb - pe));
    }

    public static TensorShape Pooling(NeuralNetworkLayer layer, TensorShape x)
    {
        if (x.Dims is not { Count: >= 3 } d) return TensorShape.Unknown;
        var p = layer.Pooling;
        if (p.GlobalPooling) return WithChw(d, d[^3], Dim.Of(1), Dim.Of(1));
        return WithChw(d, d[^3], PoolingAxis(p, d[^2], 0), PoolingAxis(p, d[^1], 1));
    }

    private static Dim PoolingAxis(PoolingLayerParams p, Dim size, int i)
    {
        var k = At(p.KernelSize, i, 3);
        var s = At(p.Stride, i, 1);
        if (k <= 0 || s <= 0) return Dim.Unknown;
        // Unchecked arithmetic on clamped operands (s > 0): nothing here throws; a negative result is unknown.
        if (size.Size is not { } n) return Dim.Unknown;
        switch (p.PoolingPaddingTypeCase)
        {
            case PoolingLayerParams.PoolingPaddingTypeOneofCase.Same:
                return NonNegative(CeilDiv(n, s));
            case PoolingLayerParams.PoolingPaddingTypeOneofCase.IncludeLastPixel:
            {
                var amounts = p.IncludeLastPixel.PaddingAmounts;
                var pad = amounts.Count == 2 ? (long)Math.Min(amounts[i], int.MaxValue) : 0;
                var o = CeilDiv(n + 2 * pad - k, s) + 1;
                // A last window that would start inside the end padding is dropped.
                return NonNegative((o - 1) * s >= n + pad ? o - 1 : o);
            }
            default:
            {
                var (pb, pe) = Border(p.Valid?.PaddingAmounts, i);
                return NonNegative(FloorDiv(n + pb + pe - k, s) + 1);
            }
        }
    }

    public static TensorShape Upsample(NeuralNetworkLayer layer, TensorShape x)
    {
        if (x.Dims is not { Count: >= 3 } d) return TensorShape.Unknown;
        var u = layer.Upsample;
        var fractional = u.FractionalScalingFactor;
        if (fractional.Count == 2 && fractional[0] > 0 && fractional[1] > 0)
            return WithChw(d, d[^3], Scaled(d[^2], fractional[0]), Scaled(d[^1], fractional[1]));
        long sh = At(u.ScalingFactor, 0, 1), sw = At(u.ScalingFactor, 1, 1);
        if (sh <= 0 || sw <= 0) return TensorShape.Unknown;
        return WithChw(d, d[^3], Mul(d[^2], Dim.Of(sh)), Mul(d[^1], Dim.Of(sw)));
    }

    // floor(n · factor): the conversion from double saturates or is unspecified, never throws; negative is unknown.
    private static Dim Scaled(Dim size, float factor) =>
        size.Size is { } n ? NonNegative((long)Math.Floor(n * (double)factor)) : Dim.Unknown;

    public static TensorShape Padding(NeuralNetworkLayer layer, TensorShape x)
    {
        var (t, b) = Border(layer.Padding.PaddingAmounts, 0);
        var (l, r) = Border(layer.Padding.PaddingAmounts, 1);
        return WithChw(x, (c, h, w) => (c, Map(h, n => n + t + b), Map(w, n => n + l + r)));
    }

    public static TensorShape Crop(NeuralNetworkLayer layer, IReadOnlyList<TensorShape> inputs)
    {
        if (inputs.Count >= 2)
        {
            var reference = inputs[1];
            if (reference.Rank is not >= 3) return TensorShape.Unknown;
            return WithChw(inputs[0], (c, _, _) => (c, reference[-2], reference[-1]));
        }
        var (t, b) = Border(layer.Crop.CropAmounts, 0);
        var (l, r) = Border(layer.Crop.CropAmounts, 1);
        return WithChw(inputs[0], (c, h, w) => (c, Map(h, n => n - t - b), Map(w, n => n - l - r)));
    }

    public static TensorShape ResizeBilinear(NeuralNetworkLayer layer, TensorShape x)
    {
        var size = layer.ResizeBilinear.TargetSize;
        if (size.Count != 2) return TensorShape.Unknown;
        return WithChw(x, (c, _, _) => (c, Dim.Of((long)Math.Min(size[0], int.MaxValue)), Dim.Of((long)Math.Min(size[1], int.MaxValue))));
    }

    public static TensorShape ReorganizeData(NeuralNetworkLayer layer, TensorShape x)
    {
        var b = (long)Math.Min(layer.ReorganizeData.BlockSize, 1 << 20);
        if (b <= 0) return TensorShape.Unknown;
        return layer.ReorganizeData.Mode == ReorganizeDataLayerParams.Types.ReorganizationType.SpaceToDepth
            ? WithChw(x, (c, h, w) => (Map(c, n => n * b * b), Map(h, n => n % b == 0 ? n / b : -1), Map(w, n => n % b == 0 ? n / b : -1)))
            : WithChw(x, (c, h, w) => (Map(c, n => n % (b * b) == 0 ? n / (b * b) : -1), Map(h, n => checked(n * b)), Map(w, n => checked(n * b))));
    }

    /// <summary>constantPad: (before, after) pairs for the last axes, unless the amounts are target sizes.</summary>
    public static TensorShape ConstantPad(NeuralNetworkLayer layer, TensorShape x)
    {
        var p = layer.ConstantPad;
        if (p.PadToGivenOutputSizeMode || x.Dims is not { } d || p.PadAmounts.Count % 2 != 0 || p.PadAmounts.Count / 2 > d.Count)
            return TensorShape.Unknown;
        var dims = d.ToArray();
        var padded = p.PadAmounts.Count / 2;
        for (var i = 0; i < padded; i++)
        {
            var axis = d.Count - padded + i;
            long before = (long)Math.Min(p.PadAmounts[2 * i], int.MaxValue), after = (long)Math.Min(p.PadAmounts[2 * i + 1], int.MaxValue);
            dims[axis] = Map(dims[axis], n => n + before + after);
        }
        return new TensorShape(dims);
    }
}
