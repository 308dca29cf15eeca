using AneCompat.Schema;

namespace AneCompat.Evaluation;

/// <summary>Seeded random feature values for a model description: arrays in [−1, 1) at their declared (default)
/// shape, images as pixel values in [0, 255].</summary>
public static class RandomInputs
{
    public static Dictionary<string, Tensor> For(ModelDescription description, int seed)
    {
        var random = new Random(seed);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var f in description.Input)
        {
            var type = f.Type;
            switch (type.TypeCase)
            {
                case FeatureType.TypeOneofCase.MultiArrayType:
                {
                    var shape = type.MultiArrayType.Shape.Select(d => (int)d).ToArray();
                    if (shape.Length == 0) throw new NotCoveredException($"input '{f.Name}' without a shape");
                    var data = new float[Tensor.ElementCount(shape)];
                    for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
                    var element = type.MultiArrayType.DataType switch
                    {
                        ArrayFeatureType.Types.ArrayDataType.Float16 => TensorElement.Float16,
                        ArrayFeatureType.Types.ArrayDataType.Int32 => TensorElement.Int32,
                        _ => TensorElement.Float32,
                    };
                    if (element == TensorElement.Int32) for (var i = 0; i < data.Length; i++) data[i] = MathF.Round(data[i] * 4);
                    var t = new Tensor(shape, data, element);
                    result[f.Name] = element == TensorElement.Float16 ? TensorMath.RoundToHalf(t) : t;
                    break;
                }
                case FeatureType.TypeOneofCase.ImageType:
                {
                    var image = type.ImageType;
                    var channels = image.ColorSpace is ImageFeatureType.Types.ColorSpace.Grayscale or ImageFeatureType.Types.ColorSpace.GrayscaleFloat16 ? 1 : 3;
                    var shape = new[] { channels, (int)image.Height, (int)image.Width };
                    var data = new float[Tensor.ElementCount(shape)];
                    for (var i = 0; i < data.Length; i++) data[i] = random.Next(256);
                    result[f.Name] = new Tensor(shape, data);
                    break;
                }
                case FeatureType.TypeOneofCase.DoubleType:
                    result[f.Name] = new Tensor(new[] { 1 }, new[] { (float)(random.NextDouble() * 2 - 1) });
                    break;
                default:
                    throw new NotCoveredException($"{type.TypeCase} input '{f.Name}'");
            }
        }
        return result;
    }
}
