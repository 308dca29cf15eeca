using AneCompat.Schema;

namespace AneCompat.Surgery.Split;

/// <summary>Feature descriptions for values that become sub-model inputs or outputs at a cut.</summary>
internal static class FeatureDescriptions
{
    public static FeatureDescription MultiArray(string name, IEnumerable<long> shape, ArrayFeatureType.Types.ArrayDataType dataType)
    {
        var array = new ArrayFeatureType { DataType = dataType };
        array.Shape.AddRange(shape);
        return new FeatureDescription
        {
            Name = name,
            ShortDescription = "tensor crossing a split boundary",
            Type = new FeatureType { MultiArrayType = array },
        };
    }

    /// <summary>The original description of a model input or output, when the model has one of that name.</summary>
    public static FeatureDescription? Original(ModelDescription description, string name) =>
        description.Input.Concat(description.Output).FirstOrDefault(f => f.Name == name)?.Clone();

    /// <summary>Gives a multi-array description without shape the shape a consumer needs.</summary>
    public static FeatureDescription WithShape(FeatureDescription f, IReadOnlyList<long> shape)
    {
        if (f.Type?.MultiArrayType is { } a && a.Shape.Count == 0 && a.ShapeFlexibilityCase == ArrayFeatureType.ShapeFlexibilityOneofCase.None)
        {
            var c = f.Clone();
            c.Type.MultiArrayType.Shape.AddRange(shape);
            return c;
        }
        return f;
    }
}
