using System.Text.Json;
using AneCompat.Graph;

namespace AneCompat.Reporting;

/// <summary>The <c>warnings</c> array shared by the graph dump and the report: what the reader noticed and worked around.</summary>
internal static class ReadWarningJson
{
    public static void Write(Utf8JsonWriter w, IEnumerable<ReadWarning> warnings)
    {
        w.WriteStartArray("warnings");
        foreach (var warning in warnings)
        {
            w.WriteStartObject();
            w.WriteString("code", warning.Code);
            w.WriteString("message", warning.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
