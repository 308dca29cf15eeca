using AneCompat.Schema;

namespace AneCompat.Building;

/// <summary>
/// Factories for the <see cref="FeatureType"/>s of model inputs, outputs and states (formats.md §a.5), including
/// flexible shapes: enumerated shapes/sizes and ranges (an upper bound of -1 means unbounded).
/// </summary>
public static class FeatureTypes
{
    public static FeatureType MultiArray(IReadOnlyList<long> shape, ArrayFeatureType.Types.ArrayDataType dataType = ArrayFeatureType.Types.ArrayDataType.Float32)
    {
        var array = new ArrayFeatureType { DataType = dataType };
        array.Shape.AddRange(shape);
        return new FeatureType { MultiArrayType = array };
    }

    /// <summary>A multi-array accepting exactly the listed shapes; <paramref name="defaultShape"/> is the one declared in <c>shape</c>.</summary>
    public static FeatureType MultiArrayEnumerated(IReadOnlyList<long> defaultShape, IEnumerable<IReadOnlyList<long>> shapes,
        ArrayFeatureType.Types.ArrayDataType dataType = ArrayFeatureType.Types.ArrayDataType.Float32)
    {
        var type = MultiArray(defaultShape, dataType);
        var enumerated = new ArrayFeatureType.Types.EnumeratedShapes();
        foreach (var s in shapes)
        {
            var shape = new ArrayFeatureType.Types.Shape();
            shape.Shape_.AddRange(s);
            enumerated.Shapes.Add(shape);
        }
        type.MultiArrayType.EnumeratedShapes = enumerated;
        return type;
    }

    /// <summary>A multi-array whose every dimension lies in a range; an upper bound of -1 is unbounded.</summary>
    public static FeatureType MultiArrayRanged(IReadOnlyList<long> defaultShape, IEnumerable<(ulong Lower, long Upper)> ranges,
        ArrayFeatureType.Types.ArrayDataType dataType = ArrayFeatureType.Types.ArrayDataType.Float32)
    {
        var type = MultiArray(defaultShape, dataType);
        var range = new ArrayFeatureType.Types.ShapeRange();
        foreach (var (lower, upper) in ranges)
            range.SizeRanges.Add(new SizeRange { LowerBound = lower, UpperBound = upper });
        type.MultiArrayType.ShapeRange = range;
        return type;
    }

    public static FeatureType Image(long width, long height, ImageFeatureType.Types.ColorSpace colorSpace = ImageFeatureType.Types.ColorSpace.Rgb) =>
        new() { ImageType = new ImageFeatureType { Width = width, Height = height, ColorSpace = colorSpace } };

    public static FeatureType ImageEnumerated(long width, long height, ImageFeatureType.Types.ColorSpace colorSpace,
        IEnumerable<(ulong Width, ulong Height)> sizes)
    {
        var type = Image(width, height, colorSpace);
        var enumerated = new ImageFeatureType.Types.EnumeratedImageSizes();
        foreach (var (w, h) in sizes)
            enumerated.Sizes.Add(new ImageFeatureType.Types.ImageSize { Width = w, Height = h });
        type.ImageType.EnumeratedSizes = enumerated;
        return type;
    }

    public static FeatureType ImageRanged(long width, long height, ImageFeatureType.Types.ColorSpace colorSpace,
        (ulong Lower, long Upper) widthRange, (ulong Lower, long Upper) heightRange)
    {
        var type = Image(width, height, colorSpace);
        type.ImageType.ImageSizeRange = new ImageFeatureType.Types.ImageSizeRange
        {
            WidthRange = new SizeRange { LowerBound = widthRange.Lower, UpperBound = widthRange.Upper },
            HeightRange = new SizeRange { LowerBound = heightRange.Lower, UpperBound = heightRange.Upper },
        };
        return type;
    }

    public static FeatureType Double() => new() { DoubleType = new DoubleFeatureType() };
    public static FeatureType Int64() => new() { Int64Type = new Int64FeatureType() };
    public static FeatureType String() => new() { StringType = new StringFeatureType() };

    /// <summary>Class probabilities of a classifier with string labels (label → probability).</summary>
    public static FeatureType StringToDoubleDictionary() =>
        new() { DictionaryType = new DictionaryFeatureType { StringKeyType = new StringFeatureType() } };

    public static FeatureType Int64ToDoubleDictionary() =>
        new() { DictionaryType = new DictionaryFeatureType { Int64KeyType = new Int64FeatureType() } };

    /// <summary>A state (spec ≥ 9): a multi-array kept between predictions.</summary>
    public static FeatureType State(IReadOnlyList<long> shape, ArrayFeatureType.Types.ArrayDataType dataType = ArrayFeatureType.Types.ArrayDataType.Float16) =>
        new() { StateType = new StateFeatureType { ArrayType = MultiArray(shape, dataType).MultiArrayType } };
}
