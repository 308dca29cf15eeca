namespace AneCompat.Graph;

public enum FeatureKind { MultiArray, Image, Int64, Double, String, Dictionary, Sequence, State, Unknown }

/// <summary>How an input's shape may vary at prediction time.</summary>
public enum ShapeFlexibility { Fixed, Enumerated, Ranged, Unbounded }

/// <summary>A model input, output or state as the model description declares it.</summary>
public sealed class FeatureInfo
{
    public required string Name { get; init; }
    public FeatureKind Kind { get; init; }
    public ElementType Element { get; init; }

    /// <summary>The fixed or default shape; empty when the description gives none.</summary>
    public IReadOnlyList<long> Shape { get; init; } = Array.Empty<long>();

    public ShapeFlexibility Flexibility { get; init; } = ShapeFlexibility.Fixed;

    /// <summary>Enumerated shapes (or image sizes as [height, width]).</summary>
    public IReadOnlyList<IReadOnlyList<long>> EnumeratedShapes { get; init; } = Array.Empty<IReadOnlyList<long>>();

    /// <summary>Per-axis ranges (or [height, width] for images); Upper null = unbounded.</summary>
    public IReadOnlyList<(long Lower, long? Upper)> Ranges { get; init; } = Array.Empty<(long, long?)>();

    public bool IsOptional { get; init; }

    /// <summary>Image colour space (RGB, BGR, GRAYSCALE, GRAYSCALE_FLOAT16) for image features.</summary>
    public string? ColorSpace { get; init; }

    public override string ToString()
    {
        var shape = Shape.Count == 0 ? "" : "[" + string.Join(", ", Shape) + "]";
        var flex = Flexibility == ShapeFlexibility.Fixed ? "" : $" ({Flexibility.ToString().ToLowerInvariant()})";
        return Kind switch
        {
            FeatureKind.Image => $"{Name}: image {ColorSpace} {shape}{flex}",
            FeatureKind.MultiArray or FeatureKind.State => $"{Name}: {Kind.ToString().ToLowerInvariant()} {Element.ToMilName()}{shape}{flex}",
            _ => $"{Name}: {Kind.ToString().ToLowerInvariant()}",
        };
    }
}

/// <summary>Inputs, outputs and states of a model or function.</summary>
public sealed class ModelInterface
{
    public List<FeatureInfo> Inputs { get; } = new();
    public List<FeatureInfo> Outputs { get; } = new();
    public List<FeatureInfo> States { get; } = new();
}
