using System.Text.Json;

namespace AneCompat.Writing;

/// <summary>
/// Writes an .mlpackage's Manifest.json (formats.md §b): fileFormatVersion 1.0.0, itemInfoEntries keyed by
/// identifier with path (relative to Data/), name, author and description, and the rootModelIdentifier.
/// </summary>
public static class PackageManifestWriter
{
    public static void Write(Stream stream, string author, string rootIdentifier, string? weightsIdentifier)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("fileFormatVersion", "1.0.0");
        json.WriteStartObject("itemInfoEntries");
        Item(json, rootIdentifier, author, "CoreML Model Specification", "model.mlmodel", $"{author}/model.mlmodel");
        if (weightsIdentifier is not null)
            Item(json, weightsIdentifier, author, "CoreML Model Weights", "weights", $"{author}/weights");
        json.WriteEndObject();
        json.WriteString("rootModelIdentifier", rootIdentifier);
        json.WriteEndObject();
    }

    private static void Item(Utf8JsonWriter json, string id, string author, string description, string name, string path)
    {
        json.WriteStartObject(id);
        json.WriteString("author", author);
        json.WriteString("description", description);
        json.WriteString("name", name);
        json.WriteString("path", path);
        json.WriteEndObject();
    }
}
