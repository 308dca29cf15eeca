using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Reporting;

/// <summary>
/// Each value type's text, formatted once per report: decoders share one instance per distinct type, so a model of
/// many ops has only a handful to format (the report writes a type for every op output and input).
/// </summary>
internal sealed class TypeNames
{
    private readonly Dictionary<ValueType, string> _text = new(ReferenceEqualityComparer.Instance);

    public string Of(ValueType type)
    {
        if (!_text.TryGetValue(type, out var text)) _text[type] = text = type.ToString();
        return text;
    }
}
