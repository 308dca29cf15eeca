using System.Text.Json;
using AneCompat.Graph;
using AneCompat.Planning;

namespace AneCompat.Reporting;

/// <summary>
/// Writes a segment's typed interface (<see cref="Segment.InputTensors"/>, <see cref="Segment.OutputTensors"/>) as the
/// report's <c>inputTensors[]</c> and <c>outputTensors[]</c>: what a sub-model cut at the segment would declare.
/// </summary>
internal static class SegmentInterfaceJson
{
    public static void Write(Utf8JsonWriter w, Segment s)
    {
        Tensors(w, "inputTensors", s.InputTensors);
        Tensors(w, "outputTensors", s.OutputTensors);
    }

    private static void Tensors(Utf8JsonWriter w, string name, IReadOnlyList<SegmentTensor> tensors)
    {
        w.WriteStartArray(name);
        foreach (var t in tensors)
        {
            w.WriteStartObject();
            w.WriteString("name", t.Name);
            if (t.Element == ElementType.Unknown) w.WriteNull("dtype"); else w.WriteString("dtype", t.Element.ToMilName());
            w.WriteShape("shape", t.Shape);
            w.WriteString("type", t.Type.ToString());
            w.WriteNumberOrNull("bytes", t.Bytes);
            w.WriteNumberOrNull("fromSegment", t.FromSegment);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
