using System.Text.Json;

namespace AneCompat.Tests.Support;

/// <summary>
/// Validates JSON against the subset of JSON Schema 2020-12 that docs/report-schema.json uses: type (one or a list),
/// const, enum, required, properties, additionalProperties: false, items, $ref to # or #/$defs/…, minimum, maximum.
/// Any other keyword makes validation fail loudly, so the schema cannot use something this checker ignores.
/// </summary>
public sealed class MiniJsonSchema(JsonElement root)
{
    private static readonly HashSet<string> Annotations = new() { "$schema", "$id", "title", "description", "$defs" };
    private static readonly HashSet<string> Supported = new() { "type", "const", "enum", "required", "properties", "additionalProperties", "items", "$ref", "minimum", "maximum" };

    public List<string> Validate(JsonElement value)
    {
        var errors = new List<string>();
        Check(root, value, "$", errors);
        return errors;
    }

    /// <summary>Validates against one <c>$defs</c> entry (such as the folder document), whose <c>$ref</c>s resolve in the whole schema.</summary>
    public List<string> Validate(JsonElement value, string defName)
    {
        var errors = new List<string>();
        Check(root.GetProperty("$defs").GetProperty(defName), value, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        foreach (var kw in schema.EnumerateObject())
            if (!Annotations.Contains(kw.Name) && !Supported.Contains(kw.Name))
                throw new InvalidOperationException($"schema keyword '{kw.Name}' at {path} is not supported by the test validator");

        if (schema.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!;
            const string prefix = "#/$defs/";
            if (name != "#" && !name.StartsWith(prefix, StringComparison.Ordinal)) throw new InvalidOperationException($"unsupported $ref {name}");
            Check(name == "#" ? root : root.GetProperty("$defs").GetProperty(name[prefix.Length..]), value, path, errors);
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : new[] { type.GetString()! };
            if (!types.Any(t => Is(t, value))) { errors.Add($"{path}: expected {string.Join("|", types)}, got {value.ValueKind}"); return; }
        }
        if (schema.TryGetProperty("const", out var c) && !JsonElement.DeepEquals(c, value))
            errors.Add($"{path}: expected const {c}");
        if (schema.TryGetProperty("enum", out var e) && !e.EnumerateArray().Any(x => JsonElement.DeepEquals(x, value)))
            errors.Add($"{path}: {value} not in enum");
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (schema.TryGetProperty("minimum", out var min) && value.GetDouble() < min.GetDouble()) errors.Add($"{path}: below minimum");
            if (schema.TryGetProperty("maximum", out var max) && value.GetDouble() > max.GetDouble()) errors.Add($"{path}: above maximum");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var req))
                foreach (var name in req.EnumerateArray().Select(x => x.GetString()!))
                    if (!value.TryGetProperty(name, out _)) errors.Add($"{path}: missing required '{name}'");
            var props = schema.TryGetProperty("properties", out var p) ? p : default;
            var closed = schema.TryGetProperty("additionalProperties", out var ap) && ap.ValueKind == JsonValueKind.False;
            foreach (var member in value.EnumerateObject())
            {
                if (props.ValueKind == JsonValueKind.Object && props.TryGetProperty(member.Name, out var sub)) Check(sub, member.Value, $"{path}.{member.Name}", errors);
                else if (closed) errors.Add($"{path}: unexpected property '{member.Name}'");
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray()) Check(items, item, $"{path}[{i++}]", errors);
        }
    }

    private static bool Is(string type, JsonElement v) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        _ => throw new InvalidOperationException($"unknown type {type}"),
    };
}
