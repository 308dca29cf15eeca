namespace AneCompat.Graph;

public enum ValueKind { Tensor, State, List, Tuple, Dictionary, Unknown }

/// <summary>The type of a value flowing through the graph: what kind of value, its element type and shape.</summary>
public sealed record ValueType(ValueKind Kind, ElementType Element, TensorShape Shape)
{
    public static readonly ValueType Unknown = new(ValueKind.Unknown, ElementType.Unknown, TensorShape.Unknown);

    public static ValueType Tensor(ElementType element, TensorShape shape) => new(ValueKind.Tensor, element, shape);

    /// <summary>Bytes one value of this type occupies, when the shape and element width are known.</summary>
    public long? ByteSize
    {
        get
        {
            var n = Shape.ElementCount;
            var bits = Element.Bits();
            if (n is null || bits == 0) return null;
            return Diagnostics.Saturating.Add(Diagnostics.Saturating.Mul(n.Value, bits), 7) / 8;
        }
    }

    public override string ToString() => Kind switch
    {
        ValueKind.State => $"state<{Element.ToMilName()}{Shape}>",
        ValueKind.List => $"list<{Element.ToMilName()}{Shape}>",
        ValueKind.Tuple => "tuple",
        ValueKind.Dictionary => "dict",
        ValueKind.Unknown => "?",
        _ => $"{Element.ToMilName()}{Shape}",
    };
}

/// <summary>A named value: a function input, an op output, a block input.</summary>
public sealed record GraphValue(string Name, ValueType Type);
