using System.Buffers.Binary;
using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Decoders.Compiled;

/// <summary>What a compiled model's <c>coremldata.bin</c> says about it.</summary>
/// <param name="ModelTypeNumber">The Model.Type field number the file opens with.</param>
/// <param name="SpecificationVersion">0 when the layout does not carry it.</param>
/// <param name="Description">The model description (inputs, outputs, states, metadata), when found.</param>
/// <param name="Specification">The whole Model message, for compiled classical members that store it (tag "spec").</param>
/// <param name="Layout">Which layout matched: "generic" (fixed offsets), "spec" or "scan".</param>
public sealed record CoreMLData(
    int ModelTypeNumber, string ModelType, ModelFamily Family, int SpecificationVersion,
    ModelDescription? Description, Model? Specification, string Tag, string Layout);

/// <summary>
/// Reads <c>coremldata.bin</c>, whose format is undocumented (formats.md d.2). Three layouts are known:
/// <list type="bullet">
/// <item>"generic" (ML programs, NeuralNetworks): u32 type at 0x00, u64-length-prefixed tag at 0x1C, then at the tag's end
/// E a u64 specificationVersion, 24 reserved bytes, u64 N at E+0x20 and N bytes of ModelDescription at E+0x28 (with the
/// 7-byte tag "generic": 0x2B, 0x4B, 0x53), followed by a trailer that repeats the type number.</item>
/// <item>"spec" (classical pipeline members such as model0/): the tag "spec" at 0x3C, then the whole Model message to
/// the end of the file.</item>
/// <item>pipelines: a tag listing the members ("generic.model0v1.0.0spec.model1v1.0.0spec") at 0x3C, then u64 N and the
/// ModelDescription.</item>
/// </list>
/// When the tag is not at 0x1C the tag is searched for (the fallback scan); every length is checked against the file.
/// </summary>
public static class CoreMLDataDecoder
{
    private const int TypeOffset = 0x00;
    private const int FixedTagOffset = 0x1C;
    /// <summary>From the end of the tag: specificationVersion at +0, description length at +0x20, description at +0x28.</summary>
    private const int GenericLengthAfterTag = 0x20;
    private const int GenericBlobAfterTag = 0x28;
    /// <summary>The tag is a short identifier; a longer "length" is not a tag.</summary>
    private const int MaxTagLength = 4096;
    /// <summary>How far into the file the fallback looks for the tag.</summary>
    private const int TagScanWindow = 1024;
    /// <summary>No specificationVersion so far is above 10; anything huge means the field is not where we looked.</summary>
    private const ulong MaxPlausibleSpecVersion = 1000;

    public static CoreMLData Read(string path, List<ReadWarning> warnings)
    {
        return Decode(path, ModelFiles.ReadAllBytes(path, Limits.MaxCoreMLDataBytes, "coremldata.bin"), warnings);
    }

    public static CoreMLData Decode(string path, byte[] bytes, List<ReadWarning> warnings)
    {
        if (bytes.Length < 8)
            throw new ModelReadException(path, $"coremldata.bin is truncated: {bytes.Length} bytes, too short for its header");
        var typeNumber = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(TypeOffset));
        if (!CompiledModelTypes.TryGet(typeNumber, out var typeName, out var family))
            throw new ModelReadException(path, $"coremldata.bin starts with model type number {typeNumber}, which is not a Core ML model type");

        var fixedTag = TryReadTag(bytes, FixedTagOffset);
        if (fixedTag is { } t)
            return DecodeGeneric(path, bytes, (int)typeNumber, typeName, family, t.Tag, t.End, warnings);
        if (bytes.Length < FixedTagOffset + 8)
            throw new ModelReadException(path, $"coremldata.bin is truncated: {bytes.Length} bytes, the header needs at least {FixedTagOffset + 8}");

        var scanned = ScanForTag(bytes) ?? throw new ModelReadException(path, "coremldata.bin has no tag string in its header; its layout is not one this reader knows");
        return scanned.Tag == "spec"
            ? DecodeSpec(path, bytes, (int)typeNumber, typeName, family, scanned.End)
            : DecodeLengthPrefixed(path, bytes, (int)typeNumber, typeName, family, scanned.Tag, scanned.End);
    }

    private static CoreMLData DecodeGeneric(string path, byte[] bytes, int typeNumber, string typeName, ModelFamily family, string tag, int tagEnd, List<ReadWarning> warnings)
    {
        var lengthAt = tagEnd + GenericLengthAfterTag;
        var blobAt = tagEnd + GenericBlobAfterTag;
        if (bytes.Length < blobAt)
            throw new ModelReadException(path, $"coremldata.bin is truncated: {bytes.Length} bytes, the header ends at 0x{blobAt:X}");
        var spec = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(tagEnd));
        if (spec > MaxPlausibleSpecVersion)
            throw new ModelReadException(path, $"coremldata.bin: specificationVersion {spec} at offset 0x{tagEnd:X} is not plausible");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(lengthAt));
        if (n > (ulong)(bytes.Length - blobAt))
            throw new ModelReadException(path, $"coremldata.bin: description length {n} at offset 0x{lengthAt:X} runs past the end of the file ({bytes.Length} bytes)");
        var description = ParseDescription(path, bytes, blobAt, (int)n);
        CheckTrailer(path, bytes, blobAt + (int)n, typeNumber, warnings);
        return new CoreMLData(typeNumber, typeName, family, (int)spec, description, null, tag, "generic");
    }

    private static CoreMLData DecodeSpec(string path, byte[] bytes, int typeNumber, string typeName, ModelFamily family, int specAt)
    {
        Model model;
        try
        {
            var input = new CodedInputStream(bytes, specAt, bytes.Length - specAt);
            model = Model.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelReadException(path, $"coremldata.bin: the model specification at offset 0x{specAt:X} is corrupt or truncated ({e.Message})");
        }
        if ((int)model.TypeCase != typeNumber)
            throw new ModelReadException(path, $"coremldata.bin: header says model type {typeNumber} but the stored specification is {model.TypeCase}");
        return new CoreMLData(typeNumber, typeName, family, model.SpecificationVersion, model.Description, model, "spec", "spec");
    }

    private static CoreMLData DecodeLengthPrefixed(string path, byte[] bytes, int typeNumber, string typeName, ModelFamily family, string tag, int tagEnd)
    {
        var blobAt = tagEnd + 8;
        if (bytes.Length < blobAt)
            throw new ModelReadException(path, $"coremldata.bin is truncated: {bytes.Length} bytes, the description length at 0x{tagEnd:X} is cut off");
        var n = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(tagEnd));
        if (n > (ulong)(bytes.Length - blobAt))
            throw new ModelReadException(path, $"coremldata.bin: description length {n} at offset 0x{tagEnd:X} runs past the end of the file ({bytes.Length} bytes)");
        var description = ParseDescription(path, bytes, blobAt, (int)n);
        // This layout does not carry the specificationVersion where we can find it reliably; 0 means unknown.
        return new CoreMLData(typeNumber, typeName, family, 0, description, null, tag, "scan");
    }

    private static ModelDescription ParseDescription(string path, byte[] bytes, int offset, int length)
    {
        try
        {
            var input = CodedInputStream.CreateWithLimits(new MemoryStream(bytes, offset, length, writable: false), length + 1, Limits.MaxProtobufDepth);
            var description = ModelDescription.Parser.ParseFrom(input);
            if (!input.IsAtEnd)
                throw new ModelReadException(path, $"coremldata.bin: the description at offset 0x{offset:X} does not end where its length says");
            return description;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelReadException(path, $"coremldata.bin: the model description at offset 0x{offset:X} ({length} bytes) is corrupt ({e.Message})");
        }
    }

    /// <summary>
    /// After the description every known file repeats the type number, then a count of length-prefixed names (a
    /// NeuralNetwork's output names). A file cut inside the trailer is truncated; an unfamiliar trailer is left alone.
    /// </summary>
    private static void CheckTrailer(string path, byte[] bytes, int at, int typeNumber, List<ReadWarning> warnings)
    {
        var remaining = bytes.Length - at;
        if (remaining == 0)
        {
            warnings.Add(new ReadWarning("coremldata-no-trailer", $"{path}: ends right after the model description, without the usual type trailer; the file may be truncated"));
            return;
        }
        if (remaining < 8)
            throw new ModelReadException(path, $"coremldata.bin is truncated inside the trailer at offset 0x{at:X}");
        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)) != (ulong)typeNumber) return;
        if (remaining < 16)
            throw new ModelReadException(path, $"coremldata.bin is truncated inside the trailer at offset 0x{at + 8:X}");
        var count = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at + 8));
        var p = at + 16;
        if (count > (ulong)(bytes.Length - p) / 8)
            throw new ModelReadException(path, $"coremldata.bin: the trailer at offset 0x{at:X} lists {count} names, more than the file can hold");
        for (ulong i = 0; i < count; i++)
        {
            if (bytes.Length - p < 8)
                throw new ModelReadException(path, $"coremldata.bin is truncated inside the trailer at offset 0x{p:X}");
            var len = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(p));
            p += 8;
            if (len > (ulong)(bytes.Length - p))
                throw new ModelReadException(path, $"coremldata.bin: trailer name length {len} at offset 0x{p - 8:X} runs past the end of the file");
            p += (int)len;
        }
    }

    private static (string Tag, int End)? ScanForTag(byte[] bytes)
    {
        var limit = Math.Min(bytes.Length - 8, TagScanWindow);
        for (var p = 4; p < limit; p++)
            if (TryReadTag(bytes, p) is { } t) return t;
        return null;
    }

    /// <summary>A u64 length followed by that many printable ASCII bytes.</summary>
    private static (string Tag, int End)? TryReadTag(byte[] bytes, int at)
    {
        if (bytes.Length - at < 8) return null;
        var len = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
        if (len == 0 || len > MaxTagLength || len > (ulong)(bytes.Length - at - 8)) return null;
        var span = bytes.AsSpan(at + 8, (int)len);
        foreach (var b in span)
            if (b is < 0x20 or > 0x7E) return null;
        return (System.Text.Encoding.ASCII.GetString(span), at + 8 + (int)len);
    }
}
