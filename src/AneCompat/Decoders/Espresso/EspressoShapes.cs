using System.Text.Json;
using AneCompat.Decoders.Json;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders.Espresso;

/// <summary>
/// Reads <c>model.espresso.shape</c> (formats.md d.7): blob name → {n, k, h, w, _rank[, seq]} for the default input shape.
/// </summary>
internal static class EspressoShapes
{
    public static Dictionary<string, TensorShape> Read(string path)
    {
        using var doc = BoundedJson.Load(path, Limits.MaxEspressoJsonBytes, "model.espresso.shape");
        if (doc.RootElement.ValueKind != JsonValueKind.Object
            || !doc.RootElement.TryGetProperty("layer_shapes", out var shapes) || shapes.ValueKind != JsonValueKind.Object)
            throw new ModelReadException(path, "model.espresso.shape has no 'layer_shapes' object");
        var result = new Dictionary<string, TensorShape>(StringComparer.Ordinal);
        foreach (var blob in shapes.EnumerateObject())
        {
            if (blob.Value.ValueKind != JsonValueKind.Object)
                throw new ModelReadException(path, $"model.espresso.shape: the shape of '{blob.Name}' is not an object");
            result[blob.Name] = ToShape(blob.Value);
        }
        return result;
    }

    /// <summary>
    /// Axes outermost first: [seq, n, k, h, w] for rank 5, [n, k, h, w] for rank 4 (also when <c>_rank</c> is absent, as in
    /// older files) and the innermost <c>_rank</c> axes below that: Apple's OCR model stores its rank-3 blobs with n = 1
    /// and the data in k, h, w, and its rank-5 blobs with seq (1 when omitted). A missing axis key is unknown.
    /// </summary>
    private static TensorShape ToShape(JsonElement e)
    {
        Dim Axis(string key, long? whenMissing = null) =>
            BoundedJson.Long(e, key) is { } v && v >= 0 ? Dim.Of(v) : whenMissing is { } d ? Dim.Of(d) : Dim.Unknown;
        var rank = BoundedJson.Long(e, "_rank") ?? 4;
        var nkhw = new[] { Axis("n"), Axis("k"), Axis("h"), Axis("w") };
        return rank switch
        {
            >= 5 => new TensorShape(new[] { Axis("seq", 1) }.Concat(nkhw).ToArray()),
            >= 1 and <= 4 => new TensorShape(nkhw[(4 - (int)rank)..]),
            _ => TensorShape.Scalar,
        };
    }
}
