using System.Text.Json;
using AneCompat.Graph;

namespace AneCompat.Reporting;

/// <summary>Writes an op's <see cref="OpOrigin"/> (where it sits in its file) as the report's <c>origin</c> object.</summary>
internal static class OpOriginJson
{
    public static void Write(Utf8JsonWriter w, OpOrigin origin, int? line)
    {
        w.WriteStartObject("origin");
        w.WriteString("format", FormatName(origin.Format));
        w.WriteString("member", origin.Member);
        w.WriteString("function", origin.Function);
        w.WriteStartArray("blockPath");
        foreach (var step in origin.BlockPath)
        {
            w.WriteStartObject();
            w.WriteNumber("opIndex", step.OpIndex);
            w.WriteString("block", step.Block);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (origin.Index >= 0) w.WriteNumber("index", origin.Index); else w.WriteNull("index");
        w.WriteStringOrNull("name", origin.Name);
        if (origin.Format == OpSourceFormat.Unknown) w.WriteNull("locator"); else w.WriteString("locator", origin.ToString());
        w.WriteNumberOrNull("line", line);
        w.WriteEndObject();
    }

    public static string FormatName(OpSourceFormat format) => format switch
    {
        OpSourceFormat.NeuralNetwork => "neural-network",
        OpSourceFormat.MilProgram => "mil-program",
        OpSourceFormat.MilText => "mil-text",
        OpSourceFormat.Espresso => "espresso",
        _ => "unknown",
    };
}
