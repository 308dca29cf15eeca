using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>
/// How a feature value enters and leaves a NeuralNetwork: under the RANK5 mapping an array [C] or [C, H, W] (or
/// [S, B, C, H, W]) becomes [1, C, H, W] inside ([S·B, C, H, W]); images become [1, C, H, W] after the image scaler;
/// under EXACT mapping arrays keep their shape. Outputs are given back in the declared shape when it has as many
/// elements, else as computed.
/// </summary>
public static class NeuralNetworkShapes
{
    public static Tensor ToInternal(FeatureDescription feature, Tensor value, NeuralNetworkMultiArrayShapeMapping mapping,
        IEnumerable<NeuralNetworkPreprocessing> preprocessing)
    {
        var type = feature.Type;
        switch (type.TypeCase)
        {
            case FeatureType.TypeOneofCase.ImageType:
            {
                var chw = value.Rank == 4 ? value.Shape[1..] : value.Shape;
                var image = value.Reshape(new[] { 1 }.Concat(chw).ToArray());
                foreach (var p in preprocessing.Where(p => p.FeatureName == feature.Name || p.FeatureName.Length == 0))
                {
                    if (p.PreprocessorCase == NeuralNetworkPreprocessing.PreprocessorOneofCase.MeanImage) throw new NotCoveredException("mean image preprocessing");
                    if (p.Scaler is not { } s) continue;
                    var c = image.Shape[1];
                    var bias = c == 1 ? new[] { s.GrayBias } : new[] { s.RedBias, s.GreenBias, s.BlueBias };
                    if (bias.Length != c) throw new NotCoveredException($"image scaler on {c} channels");
                    var scale = s.ChannelScale == 0 ? 1 : s.ChannelScale;
                    image = TensorMath.Binary(TensorMath.Map(image, v => v * scale), new Tensor(new[] { c, 1, 1 }, bias), (a, b) => a + b);
                }
                return image;
            }
            case FeatureType.TypeOneofCase.MultiArrayType:
                if (mapping == NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping) return value;
                return value.Rank switch
                {
                    1 => value.Reshape(new[] { 1, value.Shape[0], 1, 1 }),
                    3 => value.Reshape(new[] { 1 }.Concat(value.Shape).ToArray()),
                    4 => value,
                    5 => value.Reshape(new[] { value.Shape[0] * value.Shape[1] }.Concat(value.Shape[2..]).ToArray()),
                    _ => throw new ArgumentException($"input '{feature.Name}' of rank {value.Rank} under the RANK5 mapping"),
                };
            case FeatureType.TypeOneofCase.DoubleType or FeatureType.TypeOneofCase.Int64Type:
                return mapping == NeuralNetworkMultiArrayShapeMapping.ExactArrayMapping ? value.Reshape(new[] { 1 }) : value.Reshape(new[] { 1, 1, 1, 1 });
            default:
                throw new NotCoveredException($"{type.TypeCase} input");
        }
    }

    public static Tensor ToExternal(FeatureDescription feature, Tensor value, NeuralNetworkMultiArrayShapeMapping mapping)
    {
        if (feature.Type?.MultiArrayType is { } array && array.Shape.Count > 0)
        {
            var declared = array.Shape.Select(d => (int)d).ToArray();
            if (Tensor.ElementCount(declared) == value.Count) return value.Reshape(declared);
        }
        return value;
    }
}
