using AneCompat.Graph;
using AneCompat.Schema;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>
/// The one shape convention used for NeuralNetwork tensors in the graph.
/// <para>
/// Legacy (rank-5) layers work on blobs [Seq, Batch, C, H, W]. We write those as rank 4, [N, C, H, W], with
/// N = Seq·Batch (1 for one prediction), so an image is [1, C, H, W] whatever its mapping and convolution-style
/// layers look like their ML program counterparts. Under RANK5_ARRAY_MAPPING a rank-1 array input [C] becomes
/// [1, C, 1, 1], a rank-3 input [C, H, W] becomes [1, C, H, W] and a rank-5 input [S, B, C, H, W] becomes
/// [S·B, C, H, W]. Under EXACT_ARRAY_MAPPING array inputs keep their declared shape and rank.
/// </para>
/// <para>
/// Spatial layers (convolution, pooling, padding, upsample, …) act on the last three axes (C, H, W) and keep any
/// leading axes, which serves both mappings. Declared output shapes are read through <see cref="Legacy"/> too when
/// they are compared with inferred ones. Axes that can vary at prediction time (ranged or enumerated inputs) take
/// their default size: Core ML plans a flexible model at its default shape (ane-rules.md §4.8 item 2, CT-1909), and
/// SHAPE-RANGE / SHAPE-NN-FLEX report the other shapes as a runtime risk. Only a default that is not a size
/// (0 or negative) leaves the axis unknown.
/// </para>
/// </summary>
public static class ShapeConvention
{
    /// <summary>The shape an input feature has inside the network.</summary>
    public static TensorShape Input(FeatureInfo feature, NeuralNetworkMultiArrayShapeMapping mapping)
    {
        switch (feature.Kind)
        {
            case FeatureKind.Image:
            {
                if (feature.Shape.Count != 4) return TensorShape.Unknown;
                return new TensorShape(new[] { Dim.Of(1), Dim.Of(feature.Shape[1]), Default(feature.Shape[2]), Default(feature.Shape[3]) });
            }
            case FeatureKind.MultiArray:
            {
                if (feature.Shape.Count == 0) return TensorShape.Unknown;
                var dims = feature.Shape.Select(Default).ToArray();
                return mapping == NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping
                    ? new TensorShape(dims) : Legacy(dims);
            }
            case FeatureKind.Int64 or FeatureKind.Double:
                return mapping == NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping
                    ? TensorShape.Of(1) : TensorShape.Of(1, 1, 1, 1);
            default:
                return TensorShape.Unknown;
        }
    }

    /// <summary>A rank-1, 3 or 5 legacy array shape in the graph's [N, C, H, W] form; other ranks are unknown.</summary>
    public static TensorShape Legacy(IReadOnlyList<Dim> dims) => dims.Count switch
    {
        1 => new TensorShape(new[] { Dim.Of(1), dims[0], Dim.Of(1), Dim.Of(1) }),
        3 => new TensorShape(new[] { Dim.Of(1), dims[0], dims[1], dims[2] }),
        5 => new TensorShape(new[] { ShapeMath.Mul(dims[0], dims[1]), dims[2], dims[3], dims[4] }),
        _ => TensorShape.Unknown,
    };

    // The default size of an axis (the declared shape is the default of a flexible input).
    private static Dim Default(long size) => size > 0 ? Dim.Of(size) : Dim.Unknown;
}
