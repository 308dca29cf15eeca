using System.Text.Json;
using AneCompat.Graph;

namespace AneCompat.Reporting;

/// <summary>
/// The shapes every JSON document we write repeats: a property that is null when its value is absent, an array of
/// strings, a tensor shape. One place, so the report, diff, plan-comparison and rules documents spell them the same way.
/// </summary>
public static class JsonWriterExtensions
{
    public static void WriteStringOrNull(this Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteString(name, value);
    }

    public static void WriteNumberOrNull(this Utf8JsonWriter w, string name, long? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteNumber(name, value.Value);
    }

    /// <summary>A finite double as a number, a non-finite one as <see cref="JsonNumbers"/> spells it, null as null.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter w, string name, double? value)
    {
        if (value is null) w.WriteNull(name); else JsonNumbers.Write(w, name, value.Value);
    }

    public static void WriteBooleanOrNull(this Utf8JsonWriter w, string name, bool? value)
    {
        if (value is null) w.WriteNull(name); else w.WriteBoolean(name, value.Value);
    }

    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>A tensor shape: null when even the rank is unknown; else one entry per axis: its size, its symbol, or null.</summary>
    public static void WriteShape(this Utf8JsonWriter w, string name, TensorShape shape)
    {
        if (shape.Dims is null) { w.WriteNull(name); return; }
        w.WriteStartArray(name);
        foreach (var d in shape.Dims)
        {
            if (d.Size is { } size) w.WriteNumberValue(size);
            else if (d.Symbol is { } symbol) w.WriteStringValue(symbol);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }
}
