using AneCompat.Graph;
using AneCompat.Schema;

namespace AneCompat.Decoders.Protobuf;

/// <summary>Translates the protobuf <c>ModelDescription</c> (inputs, outputs, states, metadata) into graph terms.</summary>
public static class DescriptionDecoder
{
    /// <summary>
    /// The interface of the default function: multi-function models (spec 9+) describe each function; older ones
    /// use the model-level lists.
    /// </summary>
    public static ModelInterface Decode(ModelDescription? description, string? functionName = null)
    {
        var result = new ModelInterface();
        if (description is null) return result;
        if (description.Functions.Count > 0)
        {
            var name = functionName ?? description.DefaultFunctionName;
            var f = description.Functions.FirstOrDefault(x => x.Name == name) ?? description.Functions[0];
            result.Inputs.AddRange(f.Input.Select(Feature));
            result.Outputs.AddRange(f.Output.Select(Feature));
            result.States.AddRange(f.State.Select(Feature));
            return result;
        }
        result.Inputs.AddRange(description.Input.Select(Feature));
        result.Outputs.AddRange(description.Output.Select(Feature));
        result.States.AddRange(description.State.Select(Feature));
        return result;
    }

    /// <summary>Interface of one named function of a multi-function model, when the description lists it.</summary>
    public static ModelInterface? DecodeFunction(ModelDescription? description, string functionName)
    {
        if (description is null || description.Functions.All(f => f.Name != functionName)) return null;
        return Decode(description, functionName);
    }

    public static void CopyMetadata(ModelDescription? description, IDictionary<string, string> into)
    {
        var m = description?.Metadata;
        if (m is null) return;
        void Put(string k, string v) { if (!string.IsNullOrEmpty(v)) into[k] = v; }
        Put("author", m.Author);
        Put("license", m.License);
        Put("version", m.VersionString);
        Put("description", m.ShortDescription);
        foreach (var kv in m.UserDefined) Put(kv.Key, kv.Value);
    }

    public static FeatureInfo Feature(FeatureDescription d)
    {
        var t = d.Type;
        if (t is null) return new FeatureInfo { Name = d.Name, Kind = FeatureKind.Unknown };
        return t.TypeCase switch
        {
            FeatureType.TypeOneofCase.MultiArrayType => Array(d.Name, t.MultiArrayType, FeatureKind.MultiArray, t.IsOptional),
            FeatureType.TypeOneofCase.StateType => Array(d.Name, t.StateType.ArrayType ?? new ArrayFeatureType(), FeatureKind.State, t.IsOptional),
            FeatureType.TypeOneofCase.ImageType => Image(d.Name, t.ImageType, t.IsOptional),
            FeatureType.TypeOneofCase.Int64Type => new FeatureInfo { Name = d.Name, Kind = FeatureKind.Int64, Element = ElementType.Int64, IsOptional = t.IsOptional },
            FeatureType.TypeOneofCase.DoubleType => new FeatureInfo { Name = d.Name, Kind = FeatureKind.Double, Element = ElementType.Float64, IsOptional = t.IsOptional },
            FeatureType.TypeOneofCase.StringType => new FeatureInfo { Name = d.Name, Kind = FeatureKind.String, Element = ElementType.String, IsOptional = t.IsOptional },
            FeatureType.TypeOneofCase.DictionaryType => new FeatureInfo { Name = d.Name, Kind = FeatureKind.Dictionary, IsOptional = t.IsOptional },
            FeatureType.TypeOneofCase.SequenceType => new FeatureInfo { Name = d.Name, Kind = FeatureKind.Sequence, IsOptional = t.IsOptional },
            _ => new FeatureInfo { Name = d.Name, Kind = FeatureKind.Unknown, IsOptional = t.IsOptional },
        };
    }

    public static ElementType FromArrayDataType(ArrayFeatureType.Types.ArrayDataType t) => t switch
    {
        ArrayFeatureType.Types.ArrayDataType.Float32 => ElementType.Float32,
        ArrayFeatureType.Types.ArrayDataType.Double => ElementType.Float64,
        ArrayFeatureType.Types.ArrayDataType.Int32 => ElementType.Int32,
        ArrayFeatureType.Types.ArrayDataType.Float16 => ElementType.Float16,
        ArrayFeatureType.Types.ArrayDataType.Int8 => ElementType.Int8,
        _ => ElementType.Unknown,
    };

    private static FeatureInfo Array(string name, ArrayFeatureType a, FeatureKind kind, bool optional)
    {
        var flex = ShapeFlexibility.Fixed;
        IReadOnlyList<IReadOnlyList<long>> enumerated = System.Array.Empty<IReadOnlyList<long>>();
        IReadOnlyList<(long, long?)> ranges = System.Array.Empty<(long, long?)>();
        IReadOnlyList<long> shape = a.Shape.ToArray();
        switch (a.ShapeFlexibilityCase)
        {
            case ArrayFeatureType.ShapeFlexibilityOneofCase.EnumeratedShapes:
                enumerated = a.EnumeratedShapes.Shapes.Select(s => (IReadOnlyList<long>)s.Shape_.ToArray()).ToArray();
                flex = enumerated.Count > 1 ? ShapeFlexibility.Enumerated : ShapeFlexibility.Fixed;
                if (shape.Count == 0 && enumerated.Count > 0) shape = enumerated[0];
                break;
            case ArrayFeatureType.ShapeFlexibilityOneofCase.ShapeRange:
                ranges = a.ShapeRange.SizeRanges.Select(r => ((long)r.LowerBound, r.UpperBound < 0 ? (long?)null : r.UpperBound)).ToArray();
                flex = ranges.Any(r => r.Item2 is null) ? ShapeFlexibility.Unbounded
                    : ranges.Any(r => r.Item1 != r.Item2) ? ShapeFlexibility.Ranged : ShapeFlexibility.Fixed;
                break;
        }
        return new FeatureInfo
        {
            Name = name, Kind = kind, Element = FromArrayDataType(a.DataType), Shape = shape,
            Flexibility = flex, EnumeratedShapes = enumerated, Ranges = ranges, IsOptional = optional,
        };
    }

    private static FeatureInfo Image(string name, ImageFeatureType img, bool optional)
    {
        var flex = ShapeFlexibility.Fixed;
        IReadOnlyList<IReadOnlyList<long>> enumerated = System.Array.Empty<IReadOnlyList<long>>();
        IReadOnlyList<(long, long?)> ranges = System.Array.Empty<(long, long?)>();
        switch (img.SizeFlexibilityCase)
        {
            case ImageFeatureType.SizeFlexibilityOneofCase.EnumeratedSizes:
                enumerated = img.EnumeratedSizes.Sizes.Select(s => (IReadOnlyList<long>)new[] { (long)s.Height, (long)s.Width }).ToArray();
                flex = enumerated.Count > 1 ? ShapeFlexibility.Enumerated : ShapeFlexibility.Fixed;
                break;
            case ImageFeatureType.SizeFlexibilityOneofCase.ImageSizeRange:
                var h = img.ImageSizeRange.HeightRange ?? new SizeRange();
                var w = img.ImageSizeRange.WidthRange ?? new SizeRange();
                ranges = new (long, long?)[]
                {
                    ((long)h.LowerBound, h.UpperBound < 0 ? null : h.UpperBound),
                    ((long)w.LowerBound, w.UpperBound < 0 ? null : w.UpperBound),
                };
                flex = ranges.Any(r => r.Item2 is null) ? ShapeFlexibility.Unbounded
                    : ranges.Any(r => r.Item1 != r.Item2) ? ShapeFlexibility.Ranged : ShapeFlexibility.Fixed;
                break;
        }
        var channels = img.ColorSpace is ImageFeatureType.Types.ColorSpace.Grayscale or ImageFeatureType.Types.ColorSpace.GrayscaleFloat16 ? 1 : 3;
        return new FeatureInfo
        {
            Name = name, Kind = FeatureKind.Image,
            Element = img.ColorSpace == ImageFeatureType.Types.ColorSpace.GrayscaleFloat16 ? ElementType.Float16 : ElementType.UInt8,
            Shape = new long[] { 1, channels, img.Height, img.Width },
            Flexibility = flex, EnumeratedShapes = enumerated, Ranges = ranges, IsOptional = optional,
            ColorSpace = img.ColorSpace.ToString().ToUpperInvariant(),
        };
    }
}
