using System.Text.Json;
using System.Text.Json.Serialization;

namespace AneCompat.Reporting;

/// <summary>
/// How every JSON document we write carries numbers that JSON cannot (docs/report-schema.md, "Numbers"): a finite
/// double is a JSON number; NaN, +∞ and −∞ (which a model file can hold, e.g. a leakyReLU alpha) are the strings
/// <c>"NaN"</c>, <c>"Infinity"</c> and <c>"-Infinity"</c> — the spelling .NET's and Python's JSON readers accept.
/// </summary>
public static class JsonNumbers
{
    /// <summary>Serializer options for values of unknown shape (op attributes): non-finite numbers as the strings above.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>
    /// Hands what the writer has buffered to its stream once it passes 64 KiB: Utf8JsonWriter otherwise keeps the
    /// whole document in memory until disposed, which for a model at the op limit is hundreds of megabytes.
    /// </summary>
    public static void FlushWhenFull(Utf8JsonWriter w)
    {
        if (w.BytesPending > 1 << 16) w.Flush();
    }

    public static void Write(Utf8JsonWriter w, string name, double value)
    {
        w.WritePropertyName(name);
        WriteValue(w, value);
    }

    public static void WriteValue(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value)) w.WriteNumberValue(value);
        else w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
}
