using AneCompat.Graph;
using AneCompat.Schema;

namespace AneCompat.Decoders.NeuralNetwork.Shapes;

/// <summary>Output shapes of dense layers: innerProduct, batchedMatmul, embeddings.</summary>
internal static class DenseShapes
{
    private static Dim Size(ulong v) => v > 0 ? Dim.Of((long)Math.Min(v, long.MaxValue)) : Dim.Unknown;

    /// <summary>
    /// innerProduct by input rank, as the format defines it: rank 1 → [Cout]; rank 2 → [x1, Cout];
    /// rank 3 → [x1, x2, Cout]; rank 4 → [x1, Cout, 1, 1]; rank 5 → [x1, x2, Cout, 1, 1].
    /// </summary>
    public static TensorShape InnerProduct(NeuralNetworkLayer layer, TensorShape x)
    {
        var cout = Size(layer.InnerProduct.OutputChannels);
        if (x.Dims is not { } d) return TensorShape.Unknown;
        var one = Dim.Of(1);
        return d.Count switch
        {
            1 => new TensorShape(new[] { cout }),
            2 => new TensorShape(new[] { d[0], cout }),
            3 => new TensorShape(new[] { d[0], d[1], cout }),
            4 => new TensorShape(new[] { d[0], cout, one, one }),
            5 => new TensorShape(new[] { d[0], d[1], cout, one, one }),
            _ => TensorShape.Unknown,
        };
    }

    /// <summary>batchedMatmul: [..., M, K] × [..., K, N] → [..., M, N] with broadcast batch axes; one input uses the weight's N.</summary>
    public static TensorShape BatchedMatmul(NeuralNetworkLayer layer, IReadOnlyList<TensorShape> inputs)
    {
        var p = layer.BatchedMatmul;
        if (inputs[0].Dims is not { Count: >= 2 } a) return TensorShape.Unknown;
        var m = p.TransposeA ? a[^1] : a[^2];
        if (inputs.Count == 1)
            return new TensorShape(a.Take(a.Count - 2).Append(m).Append(Size(p.WeightMatrixSecondDimension)).ToArray());
        if (inputs[1].Dims is not { Count: >= 2 } b) return TensorShape.Unknown;
        var n = p.TransposeB ? b[^2] : b[^1];
        var batch = ShapeMath.Broadcast(new[]
        {
            new TensorShape(a.Take(a.Count - 2).ToArray()), new TensorShape(b.Take(b.Count - 2).ToArray()),
        });
        return new TensorShape(batch.Dims!.Append(m).Append(n).ToArray());
    }

    /// <summary>Legacy embedding: the index on the channel axis becomes Cout channels.</summary>
    public static TensorShape Embedding(NeuralNetworkLayer layer, TensorShape x) =>
        x.Rank is >= 3 ? LayoutShapes.WithAxis(x, -3, Size(layer.Embedding.OutputChannels)) : TensorShape.Unknown;

    /// <summary>embeddingND: the trailing index axis of size 1 becomes the embedding size.</summary>
    public static TensorShape EmbeddingND(NeuralNetworkLayer layer, TensorShape x) =>
        x.Rank is >= 1 && x[-1].Size == 1 ? LayoutShapes.WithAxis(x, -1, Size(layer.EmbeddingND.EmbeddingSize)) : TensorShape.Unknown;
}
