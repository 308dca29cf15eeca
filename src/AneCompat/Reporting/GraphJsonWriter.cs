using System.Text.Json;
using AneCompat.Graph;

namespace AneCompat.Reporting;

/// <summary>
/// JSON form of a graph. Every op has at least <c>index</c>, <c>kind</c>, <c>source</c> (the type name exactly as
/// in the file) and <c>function</c> (qualified by the pipeline member path).
/// </summary>
public static class GraphJsonWriter
{
    public const int SchemaVersion = 1;

    public static void Write(ModelGraph graph, TextWriter w)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteNumber("schemaVersion", SchemaVersion);
            j.WriteString("path", graph.SourcePath);
            j.WriteString("container", GraphTextWriter.ContainerName(graph.Container));
            j.WritePropertyName("model");
            WriteNode(j, graph.Root);
            j.WriteStartObject("metadata");
            foreach (var kv in graph.Metadata.OrderBy(k => k.Key, StringComparer.Ordinal)) j.WriteString(kv.Key, kv.Value);
            j.WriteEndObject();
            j.WriteStartArray("ops");
            foreach (var op in graph.AllOps()) { WriteOp(j, op); JsonNumbers.FlushWhenFull(j); }
            j.WriteEndArray();
            ReadWarningJson.Write(j, graph.Warnings);
            j.WriteEndObject();
        }
        w.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteNode(Utf8JsonWriter j, ModelNode node)
    {
        j.WriteStartObject();
        j.WriteString("path", node.Path);
        if (node.Name is not null) j.WriteString("name", node.Name);
        j.WriteString("type", node.ModelType);
        j.WriteString("family", node.Family.ToString());
        j.WriteNumber("specificationVersion", node.SpecificationVersion);
        WriteFeatures(j, "inputs", node.Interface.Inputs);
        WriteFeatures(j, "outputs", node.Interface.Outputs);
        WriteFeatures(j, "states", node.Interface.States);
        j.WriteStrings("functions", node.Functions.Select(f => node.FunctionPrefix + f.Name));
        if (node.Properties.Count > 0)
        {
            j.WriteStartObject("properties");
            foreach (var kv in node.Properties.OrderBy(k => k.Key, StringComparer.Ordinal)) j.WriteString(kv.Key, kv.Value);
            j.WriteEndObject();
        }
        j.WriteStartArray("children");
        foreach (var c in node.Children) WriteNode(j, c);
        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void WriteFeatures(Utf8JsonWriter j, string name, IEnumerable<FeatureInfo> features)
    {
        j.WriteStartArray(name);
        foreach (var f in features)
        {
            j.WriteStartObject();
            j.WriteString("name", f.Name);
            j.WriteString("kind", f.Kind.ToString());
            j.WriteString("dtype", f.Element.ToMilName());
            j.WriteStartArray("shape");
            foreach (var d in f.Shape) j.WriteNumberValue(d);
            j.WriteEndArray();
            j.WriteString("flexibility", f.Flexibility.ToString().ToLowerInvariant());
            if (f.EnumeratedShapes.Count > 0)
            {
                j.WriteStartArray("enumeratedShapes");
                foreach (var s in f.EnumeratedShapes)
                {
                    j.WriteStartArray();
                    foreach (var d in s) j.WriteNumberValue(d);
                    j.WriteEndArray();
                }
                j.WriteEndArray();
            }
            if (f.Ranges.Count > 0)
            {
                j.WriteStartArray("ranges");
                foreach (var (lower, upper) in f.Ranges)
                {
                    j.WriteStartArray();
                    j.WriteNumberValue(lower);
                    if (upper is null) j.WriteNullValue(); else j.WriteNumberValue(upper.Value);
                    j.WriteEndArray();
                }
                j.WriteEndArray();
            }
            if (f.ColorSpace is not null) j.WriteString("colorSpace", f.ColorSpace);
            if (f.IsOptional) j.WriteBoolean("optional", true);
            j.WriteEndObject();
        }
        j.WriteEndArray();
    }

    public static void WriteOp(Utf8JsonWriter j, Op op)
    {
        j.WriteStartObject();
        j.WriteNumber("index", op.Index);
        j.WriteString("kind", op.Kind);
        j.WriteString("source", op.Source);
        j.WriteString("function", op.Function);
        if (op.Name is not null) j.WriteString("name", op.Name);
        if (op.Opset is not null) j.WriteString("opset", op.Opset);
        j.WriteStartArray("inputs");
        foreach (var input in op.Inputs)
        {
            j.WriteStartObject();
            j.WriteString("parameter", input.Parameter);
            j.WriteStartArray("arguments");
            foreach (var a in input.Arguments)
            {
                j.WriteStartObject();
                if (a.Name is not null) j.WriteString("name", a.Name);
                if (a.Constant is not null) j.WriteString("constant", a.Constant.ToString());
                j.WriteString("type", a.Type.ToString());
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("outputs");
        foreach (var o in op.Outputs)
        {
            j.WriteStartObject();
            j.WriteString("name", o.Name);
            j.WriteString("dtype", o.Type.Element.ToMilName());
            j.WriteShape("shape", o.Type.Shape);
            j.WriteString("type", o.Type.ToString());
            j.WriteEndObject();
        }
        j.WriteEndArray();
        if (op.Attributes.Count > 0)
        {
            j.WriteStartObject("attributes");
            foreach (var kv in op.Attributes.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                j.WritePropertyName(kv.Key);
                WriteAttributeValue(j, kv.Value);
            }
            j.WriteEndObject();
        }
        if (op.WeightBytes > 0) j.WriteNumber("weightBytes", op.WeightBytes);
        if (op.Blocks.Count > 0) j.WriteNumber("blocks", op.Blocks.Count);
        j.WriteEndObject();
    }

    /// <summary>
    /// One attribute value, by its type (<see cref="Op.Attributes"/> holds long, double, bool, string and arrays of
    /// them) — written field by field rather than through JsonSerializer's reflection, so the NativeAOT build writes
    /// the same. A non-finite double is written as JsonNumbers documents it.
    /// </summary>
    private static void WriteAttributeValue(Utf8JsonWriter j, object value)
    {
        switch (value)
        {
            case long l: j.WriteNumberValue(l); break;
            case int i: j.WriteNumberValue(i); break;
            case double d: JsonNumbers.WriteValue(j, d); break;
            case float f: JsonNumbers.WriteValue(j, f); break;
            case bool b: j.WriteBooleanValue(b); break;
            case string s: j.WriteStringValue(s); break;
            case System.Collections.IEnumerable items:
                j.WriteStartArray();
                foreach (var item in items) if (item is not null) WriteAttributeValue(j, item); else j.WriteNullValue();
                j.WriteEndArray();
                break;
            default: j.WriteStringValue(value.ToString()); break;
        }
    }
}
