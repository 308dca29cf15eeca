using System.Collections.Concurrent;
using AneCompat.Diagnostics;
using AneCompat.Schema;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Reads a protobuf Core ML model without loading its weights. NeuralNetwork weights sit inline in the message
/// (<c>WeightParams</c> payloads can be gigabytes), so the file is walked at the wire level: every message that can
/// (transitively) hold weights is rebuilt without the payload fields, whose byte counts are recorded in
/// ANECompat-internal fields of <c>WeightParams</c>; everything else is copied as is. Very large opaque byte
/// fields elsewhere are dropped the same way. The structure that remains is then parsed normally.
/// Memory is bounded by the structure's size, not the file's.
/// </summary>
public static class WeightElidingReader
{
    /// <summary>Opaque byte or packed fields at least this large outside WeightParams are not kept.</summary>
    private const long OpaqueFieldLimit = 16L * 1024 * 1024;

    private static readonly MessageDescriptor WeightParamsDescriptor = WeightParams.Descriptor;
    private static readonly HashSet<int> WeightPayloadFields = new()
    {
        WeightParams.FloatValueFieldNumber, WeightParams.Float16ValueFieldNumber,
        WeightParams.RawValueFieldNumber, WeightParams.Int8RawValueFieldNumber,
    };
    private static readonly ConcurrentDictionary<MessageDescriptor, bool> HoldsWeights = new();

    public static Model Read(string path)
    {
        // One buffer for the whole structure: nested messages are written in place and their lengths patched
        // afterwards, so memory stays at the structure's size however deeply messages nest.
        var structure = new MemoryStream();
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, System.IO.FileOptions.SequentialScan);
            var reader = new WireReader(file, path);
            CopyMessage(reader, Model.Descriptor, reader.Length, structure, 0);
        }
        catch (UnauthorizedAccessException) { throw new ModelReadException(path, "permission denied"); }
        catch (IOException e) { throw new ModelReadException(path, $"cannot read file: {e.Message}"); }

        try
        {
            var bytes = new MemoryStream(structure.GetBuffer(), 0, (int)structure.Length, writable: false);
            var input = CodedInputStream.CreateWithLimits(bytes, (int)structure.Length + 1, Limits.MaxProtobufDepth);
            return Model.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e) when (e.Message.Contains("levels of nesting", StringComparison.Ordinal))
        {
            // Messages that cannot hold weights are not walked above; the parser's own depth limit catches them.
            throw new ModelReadException(path, $"messages nested deeper than {Limits.MaxProtobufDepth} levels");
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelReadException(path, $"not a valid Core ML model: {e.Message}");
        }
    }

    private static void CopyMessage(WireReader r, MessageDescriptor descriptor, long end, MemoryStream output, int depth)
    {
        if (depth > Limits.MaxProtobufDepth)
            throw r.Corrupt($"messages nested deeper than {Limits.MaxProtobufDepth} levels at offset {r.Position}");
        var isWeights = descriptor == WeightParamsDescriptor;
        ulong elidedBytes = 0;
        uint elidedField = 0;
        while (r.Position < end)
        {
            var tagStart = r.Position;
            using var tagBytes = new MemoryStream(8);
            var tag = r.ReadVarint(end, tagBytes);
            var fieldNumber = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            if (fieldNumber <= 0) throw r.Corrupt($"invalid field number 0 at offset {tagStart}");
            switch (wireType)
            {
                case 0: // varint
                    tagBytes.WriteTo(output);
                    r.ReadVarint(end, output);
                    break;
                case 1: // fixed64
                    tagBytes.WriteTo(output);
                    CheckRemaining(r, 8, end);
                    r.CopyTo(output, 8);
                    break;
                case 5: // fixed32
                    tagBytes.WriteTo(output);
                    CheckRemaining(r, 4, end);
                    r.CopyTo(output, 4);
                    break;
                case 2:
                    var lengthAt = r.Position;
                    var length = r.ReadVarint(end);
                    if (length > (ulong)(end - r.Position))
                        throw r.Corrupt($"length field at offset {lengthAt} claims {length} bytes, but only {end - r.Position} remain in its message");
                    var len = (long)length;
                    var field = descriptor.FindFieldByNumber(fieldNumber);
                    if (isWeights && WeightPayloadFields.Contains(fieldNumber))
                    {
                        r.Skip(len);
                        elidedBytes += (ulong)len;
                        elidedField = (uint)fieldNumber;
                    }
                    else if (field?.FieldType == FieldType.Message && MayHoldWeights(field.MessageType))
                    {
                        tagBytes.WriteTo(output);
                        var lengthSlot = output.Position;
                        output.Write(LengthPlaceholder);
                        CopyMessage(r, field.MessageType, r.Position + len, output, depth + 1);
                        PatchLength(output, lengthSlot);
                    }
                    else if (len >= OpaqueFieldLimit && field is not null && field.FieldType != FieldType.Message && field.FieldType != FieldType.String)
                    {
                        r.Skip(len);
                    }
                    else
                    {
                        if (output.Length + len > Limits.MaxStructureBytes)
                            throw r.Corrupt($"model structure exceeds the limit of {Limits.MaxStructureBytes} bytes without weights");
                        tagBytes.WriteTo(output);
                        WriteVarint(output, length);
                        r.CopyTo(output, len);
                    }
                    break;
                default:
                    throw r.Corrupt($"unsupported wire type {wireType} at offset {tagStart}");
            }
            if (output.Length > Limits.MaxStructureBytes)
                throw r.Corrupt($"model structure exceeds the limit of {Limits.MaxStructureBytes} bytes without weights");
        }
        if (r.Position != end) throw r.Corrupt($"a message overruns its length at offset {r.Position}");
        if (isWeights && elidedBytes > 0)
        {
            WriteTag(output, WeightParams.AnecompatElidedBytesFieldNumber, 0);
            WriteVarint(output, elidedBytes);
            WriteTag(output, WeightParams.AnecompatElidedFieldFieldNumber, 0);
            WriteVarint(output, elidedField);
        }
    }

    /// <summary>
    /// Room for a nested message's length before it is known: a five-byte varint, padded with continuation bits,
    /// which protobuf parsers accept and which covers every length up to <see cref="Limits.MaxStructureBytes"/>.
    /// </summary>
    private static readonly byte[] LengthPlaceholder = new byte[5];

    private static void PatchLength(MemoryStream output, long slot)
    {
        var length = (ulong)(output.Length - slot - LengthPlaceholder.Length);
        var end = output.Position;
        output.Position = slot;
        for (var i = 0; i < LengthPlaceholder.Length - 1; i++)
        {
            output.WriteByte((byte)(length & 0x7F | 0x80));
            length >>= 7;
        }
        output.WriteByte((byte)length);
        output.Position = end;
    }

    private static void CheckRemaining(WireReader r, long count, long end)
    {
        if (end - r.Position < count) throw r.Corrupt($"truncated: a fixed-size field at offset {r.Position} runs past the end of its message");
    }

    /// <summary>Whether a message type can contain WeightParams somewhere below it (computed once per type).</summary>
    private static bool MayHoldWeights(MessageDescriptor descriptor)
    {
        if (HoldsWeights.TryGetValue(descriptor, out var known)) return known;
        var visiting = new HashSet<MessageDescriptor>();
        return Compute(descriptor, visiting);

        static bool Compute(MessageDescriptor d, HashSet<MessageDescriptor> visiting)
        {
            if (HoldsWeights.TryGetValue(d, out var v)) return v;
            if (d == WeightParamsDescriptor) return HoldsWeights[d] = true;
            if (!visiting.Add(d)) return false; // a cycle (Model → Pipeline → Model) decides nothing by itself
            var result = false;
            foreach (var f in d.Fields.InFieldNumberOrder())
            {
                if (f.FieldType != FieldType.Message) continue;
                // Map fields are messages too (their entry type), so one rule covers both.
                if (f.MessageType == d || Compute(f.MessageType, visiting)) { result = true; break; }
            }
            visiting.Remove(d);
            // Types on a cycle are recorded only from the top-level call, where the answer is complete.
            if (result || visiting.Count == 0) HoldsWeights[d] = result;
            return result;
        }
    }

    private static void WriteTag(Stream s, int field, int wireType) => WriteVarint(s, (ulong)((field << 3) | wireType));

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
