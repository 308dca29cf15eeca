using System.Text.Json;
using AneCompat.Diagnostics;

namespace AneCompat.Containers;

/// <summary>
/// Reads an <c>.mlpackage</c>'s Manifest.json and finds the root model through <c>rootModelIdentifier</c> →
/// <c>itemInfoEntries[id].path</c> (some tools write other folders than com.apple.CoreML), confined to Data/.
/// </summary>
public static class PackageManifest
{
    public static string ResolveRootModel(string packageDir)
    {
        var manifestPath = PathConfinement.Resolve(packageDir, "Manifest.json", "Manifest.json");
        var bytes = ReadBounded(manifestPath);
        JsonDocument doc;
        try
        {
            // Duplicate keys are refused: Python's json keeps the last copy, System.Text.Json the first, so a package
            // with two "path"s for the root model could show us one model and Core ML another.
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = Limits.MaxJsonDepth, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ModelReadException(manifestPath, $"Manifest.json is not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new ModelReadException(manifestPath, "Manifest.json is not a JSON object");
            if (!root.TryGetProperty("rootModelIdentifier", out var idEl) || idEl.ValueKind != JsonValueKind.String)
                throw new ModelReadException(manifestPath, "Manifest.json has no rootModelIdentifier");
            if (!root.TryGetProperty("itemInfoEntries", out var entries) || entries.ValueKind != JsonValueKind.Object)
                throw new ModelReadException(manifestPath, "Manifest.json has no itemInfoEntries");
            var id = idEl.GetString()!;
            JsonElement entry = default;
            var found = false;
            foreach (var p in entries.EnumerateObject())
            {
                // macOS writes upper-case identifiers, other tools lower-case: compare without case — and then two
                // entries differing only in case are as ambiguous as a duplicate key.
                if (!string.Equals(p.Name, id, StringComparison.OrdinalIgnoreCase)) continue;
                if (found)
                    throw new ModelReadException(manifestPath, $"Manifest.json has two itemInfoEntries for the root model {SafeText.Quote(id, 80)} (differing only in case); refusing to guess which one Core ML uses");
                entry = p.Value;
                found = true;
            }
            if (!found)
                throw new ModelReadException(manifestPath, $"rootModelIdentifier {SafeText.Quote(id, 80)} is not among itemInfoEntries");
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("path", out var pathEl) || pathEl.ValueKind != JsonValueKind.String)
                throw new ModelReadException(manifestPath, $"item {SafeText.Quote(id, 80)} has no path");
            var relative = pathEl.GetString()!;
            // Data/ itself must not lead out, or everything confined under it would be outside the package.
            var dataDir = PathConfinement.Resolve(packageDir, "Data", "the package's Data folder");
            var modelPath = PathConfinement.Resolve(dataDir, relative, "Manifest.json path");
            if (!ModelFiles.Exists(modelPath))
                throw new ModelReadException(manifestPath, $"root model '{SafeText.Quote(relative)}' named in Manifest.json does not exist under Data/");
            return modelPath;
        }
    }

    private static byte[] ReadBounded(string path)
    {
        try
        {
            return ModelFiles.ReadAllBytes(path, Limits.MaxManifestBytes, "Manifest.json");
        }
        catch (UnauthorizedAccessException) { throw new ModelReadException(path, "permission denied"); }
        catch (IOException e) { throw new ModelReadException(path, $"cannot read Manifest.json: {e.Message}"); }
    }
}
