using System.Buffers.Binary;
using AneCompat.Containers;
using AneCompat.Tests.Support;

namespace AneCompat.Tests.Fuzzing;

/// <summary>The kinds of file the fuzzer knows how to mutate with structure in mind.</summary>
public enum FuzzFormat
{
    ProtobufModel,   // .mlmodel (also a package's root model)
    ManifestJson,    // .mlpackage/Manifest.json
    WeightBin,       // MIL blob storage v2 (weights/*.bin)
    MilText,         // model.mil
    EspressoJson,    // model.espresso.net / model.espresso.shape
    EspressoWeights, // model.espresso.weights
    MetadataJson,    // metadata.json and other JSON files in a model
    CoreMLData,      // coremldata.bin (binary header + ModelDescription protobuf)
    Other,
}

/// <summary>A corpus model the fuzzer starts from, read in place.</summary>
/// <param name="ModelPath">The .mlmodel file or the .mlpackage/.mlmodelc folder.</param>
/// <param name="IsFolder">Whether the model is a folder (mutants are then made in a copy of the whole folder).</param>
public sealed record FuzzSeed(int Index, string ModelPath, bool IsFolder)
{
    public string Name => Path.GetFileName(ModelPath);
}

/// <summary>One file of one seed that mutants replace, with the places worth aiming at.</summary>
public sealed class FuzzTarget
{
    public required FuzzSeed Seed { get; init; }
    /// <summary>Path relative to the model folder ("" for an .mlmodel file seed).</summary>
    public required string RelativePath { get; init; }
    public required FuzzFormat Format { get; init; }
    public required byte[] Original { get; init; }
    /// <summary>Byte ranges where byte-level mutations land (the whole file, or only headers of weight files).</summary>
    public required IReadOnlyList<(int Start, int Length)> Regions { get; init; }
    /// <summary>Length fields found in the file (protobuf varints, u64/u32 little-endian lengths and offsets).</summary>
    public required IReadOnlyList<LengthField> Lengths { get; init; }

    public string Describe => RelativePath.Length == 0 ? Seed.Name : $"{Seed.Name}/{RelativePath}";
}

/// <param name="Offset">Where the field starts.</param>
/// <param name="Width">Encoded width in bytes.</param>
/// <param name="Encoding">How the value is stored.</param>
public readonly record struct LengthField(int Offset, int Width, LengthEncoding Encoding, ulong Value);

public enum LengthEncoding { Varint, UInt64LE, UInt32LE }

/// <summary>Every model of the shared corpus as fuzz seeds and every file in them as a target (loaded once).</summary>
public static class FuzzCorpus
{
    private static readonly Lazy<(IReadOnlyList<FuzzSeed> Seeds, IReadOnlyList<FuzzTarget> Targets)> Loaded = new(Load);

    public static IReadOnlyList<FuzzSeed> Seeds => Loaded.Value.Seeds;
    public static IReadOnlyList<FuzzTarget> Targets => Loaded.Value.Targets;

    private static (IReadOnlyList<FuzzSeed>, IReadOnlyList<FuzzTarget>) Load()
    {
        var seeds = new List<FuzzSeed>();
        var targets = new List<FuzzTarget>();
        foreach (var model in ModelLocator.FindModels(Corpus.Dir).OrderBy(p => p, StringComparer.Ordinal))
        {
            var seed = new FuzzSeed(seeds.Count, model, Directory.Exists(model));
            seeds.Add(seed);
            var files = seed.IsFolder
                ? Directory.EnumerateFiles(model, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToList()
                : new List<string> { model };
            foreach (var file in files)
            {
                var relative = seed.IsFolder ? Path.GetRelativePath(model, file) : "";
                var format = FormatOf(file);
                var bytes = File.ReadAllBytes(file);
                targets.Add(new FuzzTarget
                {
                    Seed = seed, RelativePath = relative, Format = format, Original = bytes,
                    Regions = RegionsOf(format, bytes), Lengths = LengthsOf(format, bytes),
                });
            }
        }
        return (seeds, targets);
    }

    public static FuzzFormat FormatOf(string file)
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".mlmodel", StringComparison.OrdinalIgnoreCase)) return FuzzFormat.ProtobufModel;
        if (name == "Manifest.json") return FuzzFormat.ManifestJson;
        if (name == "model.mil") return FuzzFormat.MilText;
        if (name is "model.espresso.net" or "model.espresso.shape") return FuzzFormat.EspressoJson;
        if (name == "model.espresso.weights") return FuzzFormat.EspressoWeights;
        if (name == "coremldata.bin") return FuzzFormat.CoreMLData;
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return FuzzFormat.MetadataJson;
        if (name.EndsWith("weight.bin", StringComparison.Ordinal)) return FuzzFormat.WeightBin;
        return FuzzFormat.Other;
    }

    /// <summary>Weight files are megabytes of payload nobody parses: aim at their headers and blob records.</summary>
    private static IReadOnlyList<(int, int)> RegionsOf(FuzzFormat format, byte[] b)
    {
        switch (format)
        {
            case FuzzFormat.WeightBin:
            {
                var regions = new List<(int, int)> { (0, Math.Min(64, b.Length)) };
                foreach (var meta in BlobRecordOffsets(b)) regions.Add((meta, Math.Min(64, b.Length - meta)));
                return regions;
            }
            case FuzzFormat.EspressoWeights:
            {
                var count = b.Length >= 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
                var table = (int)Math.Min((ulong)b.Length, 8 + Math.Min(count, 1_000_000) * 16);
                return new[] { (0, Math.Max(1, table)) };
            }
            default:
                return new[] { (0, b.Length) };
        }
    }

    /// <summary>Blob metadata records of MIL blob storage v2: 0xDEADBEEF at 64-byte aligned offsets after the header.</summary>
    public static IEnumerable<int> BlobRecordOffsets(byte[] b)
    {
        for (var off = 64; off + 64 <= b.Length; off += 64)
            if (BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(off)) == 0xDEADBEEF) yield return off;
    }

    private static IReadOnlyList<LengthField> LengthsOf(FuzzFormat format, byte[] b)
    {
        var found = new List<LengthField>();
        switch (format)
        {
            case FuzzFormat.ProtobufModel:
                WireScan.Scan(b, 0, b.Length, found);
                break;
            case FuzzFormat.CoreMLData:
                // Any u64 whose value could be a length or offset inside the file, plus the embedded description.
                for (var off = 0; off + 8 <= b.Length; off++)
                {
                    var v = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(off));
                    if (v > 0 && v <= (ulong)b.Length) found.Add(new LengthField(off, 8, LengthEncoding.UInt64LE, v));
                }
                if (b.Length >= 0x53)
                {
                    var n = BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(0x4B));
                    if (n <= (ulong)(b.Length - 0x53)) WireScan.Scan(b, 0x53, 0x53 + (int)n, found);
                }
                break;
            case FuzzFormat.WeightBin:
                if (b.Length >= 8)
                {
                    found.Add(new LengthField(0, 4, LengthEncoding.UInt32LE, BinaryPrimitives.ReadUInt32LittleEndian(b)));
                    found.Add(new LengthField(4, 4, LengthEncoding.UInt32LE, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(4))));
                }
                foreach (var meta in BlobRecordOffsets(b))
                {
                    found.Add(new LengthField(meta + 8, 8, LengthEncoding.UInt64LE, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(meta + 8))));
                    found.Add(new LengthField(meta + 16, 8, LengthEncoding.UInt64LE, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(meta + 16))));
                }
                break;
            case FuzzFormat.EspressoWeights:
                if (b.Length >= 8)
                {
                    var count = BinaryPrimitives.ReadUInt64LittleEndian(b);
                    found.Add(new LengthField(0, 8, LengthEncoding.UInt64LE, count));
                    for (var i = 0UL; i < Math.Min(count, 100_000) && 8 + (i + 1) * 16 <= (ulong)b.Length; i++)
                    {
                        var at = (int)(8 + i * 16);
                        found.Add(new LengthField(at + 8, 8, LengthEncoding.UInt64LE, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at + 8))));
                    }
                }
                break;
        }
        return found;
    }
}
