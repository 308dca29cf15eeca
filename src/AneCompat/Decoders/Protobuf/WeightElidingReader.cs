using AneCompat.Diagnostics;
using AneCompat.Schema;
using Google.Protobuf;

namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// Reads a protobuf Core ML model without loading its weights. NeuralNetwork weights sit inline in the message
/// (<c>WeightParams</c> payloads can be gigabytes), so the file is walked at the wire level, every message at every
/// depth: <c>WeightParams</c> are rebuilt without their payload fields, whose byte counts are recorded in
/// ANECompat-internal fields; everything else is copied. Very large opaque byte fields elsewhere are dropped the
/// same way. Every length, depth and size is checked during the walk, so the structure that remains is consistent
/// before it is parsed (<see cref="StructureParser"/>). Memory is bounded by the structure's size, not the file's.
/// </summary>
public static class WeightElidingReader
{
    /// <summary>Opaque byte or packed fields at least this large outside WeightParams are not kept.</summary>
    private const long OpaqueFieldLimit = 16L * 1024 * 1024;

    private static bool IsWeightPayloadField(ulong field) => field is WeightParams.FloatValueFieldNumber
        or WeightParams.Float16ValueFieldNumber or WeightParams.RawValueFieldNumber or WeightParams.Int8RawValueFieldNumber;

    /// <param name="path">The model file.</param>
    /// <param name="deferMilOperations">
    /// Leave each ML program operation unparsed: its (checked, weight-free) bytes go to
    /// <c>Block.anecompatDeferredOperations</c> instead of <c>Block.operations</c>, for a decoder that parses one
    /// operation at a time. A parsed operation costs kilobytes of objects, so a program of 100,000 ops would
    /// otherwise exist twice at the peak, once as protobuf objects and once as the graph.
    /// </param>
    public static Model Read(string path, bool deferMilOperations = false)
    {
        // One buffer for the whole structure: nested messages are written in place and their lengths patched
        // afterwards, so memory stays at the structure's size however deeply messages nest.
        StructureBuffer structure;
        try
        {
            using var file = ModelFiles.OpenRead(path, System.IO.FileOptions.SequentialScan);
            var reader = new WireReader(file, path);
            // The structure of a model without inline weights is about its file's size; of one with weights, smaller.
            structure = new StructureBuffer(expectedLength: reader.Length);
            var counts = new WalkCounts();
            CopyMessage(reader, SchemaTables.ModelMessage, reader.Length, structure, 0, ref counts, deferMilOperations);
        }
        catch (UnauthorizedAccessException) { throw new ModelReadException(path, "permission denied"); }
        catch (IOException e) { throw new ModelReadException(path, $"cannot read file: {e.Message}"); }

        try
        {
            return StructureParser.Parse(structure.ToSequence());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelReadException(path, $"not a valid Core ML model: {e.Message}");
        }
    }

    /// <summary>What the walk has seen so far, checked against the limits before anything is parsed.</summary>
    private struct WalkCounts
    {
        public int Messages;
        public int Ops;
    }

    /// <param name="message">The message's index in <see cref="SchemaTables"/>.</param>
    private static void CopyMessage(WireReader r, int message, long end, StructureBuffer output, int depth, ref WalkCounts counts,
        bool deferMilOperations)
    {
        if (depth >= Limits.MaxProtobufDepth)
            throw r.Corrupt($"messages nested deeper than {Limits.MaxProtobufDepth} levels at offset {r.Position}");
        if (++counts.Messages > Limits.MaxProtobufMessages)
            throw r.Corrupt($"over the limit of {Limits.MaxProtobufMessages} protobuf messages in one model at offset {r.Position}");
        // Layers and ML program operations are counted here, during the walk, so a model over the op limit is
        // refused before the parser builds a single object (a parsed layer costs hundreds of bytes; on disk, a few).
        if ((message == SchemaTables.NeuralNetworkLayerMessage || message == SchemaTables.MilOperationMessage) && ++counts.Ops > Limits.MaxOps)
            throw r.Corrupt($"more than {Limits.MaxOps} ops (layers and operations), over the op limit, at offset {r.Position}");
        var isWeights = message == SchemaTables.WeightParamsMessage;
        ulong elidedBytes = 0;
        uint elidedField = 0;
        while (r.Position < end)
        {
            var tagStart = r.Position;
            var tag = r.ReadVarint(end);
            var fieldNumber = tag >> 3;
            var wireType = (int)(tag & 7);
            if (fieldNumber is 0 or > MaxFieldNumber) throw r.Corrupt($"invalid field number {fieldNumber} at offset {tagStart}");
            switch (wireType)
            {
                case 0: // varint
                    output.WriteVarint(tag);
                    r.ReadVarint(end, output);
                    break;
                case 1: // fixed64
                    output.WriteVarint(tag);
                    CheckRemaining(r, 8, end);
                    r.CopyTo(output, 8);
                    break;
                case 5: // fixed32
                    output.WriteVarint(tag);
                    CheckRemaining(r, 4, end);
                    r.CopyTo(output, 4);
                    break;
                case 2:
                    var lengthAt = r.Position;
                    var length = r.ReadVarint(end);
                    if (length > (ulong)(end - r.Position))
                        throw r.Corrupt($"length field at offset {lengthAt} claims {length} bytes, but only {end - r.Position} remain in its message");
                    var len = (long)length;
                    var field = SchemaTables.FieldKind(message, (int)fieldNumber);
                    if (message == SchemaTables.MilBlockMessage && fieldNumber == Schema.Mil.Block.AnecompatDeferredOperationsFieldNumber)
                    {
                        // Internal to this reader: a file that carries it gets it dropped, not trusted unwalked.
                        r.Skip(len);
                    }
                    else if (isWeights && IsWeightPayloadField(fieldNumber))
                    {
                        r.Skip(len);
                        elidedBytes += (ulong)len;
                        elidedField = (uint)fieldNumber;
                    }
                    else if (field >= 0)
                    {
                        // Every nested message (map entries too) is walked, not only those that can hold weights:
                        // the parser trusts the lengths it is given and sizes arrays from them, so each one is
                        // checked here against the message around it first.
                        // Only Block.operations holds Operation messages.
                        if (deferMilOperations && field == SchemaTables.MilOperationMessage)
                            WriteTag(output, Schema.Mil.Block.AnecompatDeferredOperationsFieldNumber, 2);
                        else
                            output.WriteVarint(tag);
                        var lengthSlot = output.Reserve(LengthPlaceholderBytes);
                        CopyMessage(r, field, r.Position + len, output, depth + 1, ref counts, deferMilOperations);
                        PatchLength(output, lengthSlot);
                    }
                    else if (len >= OpaqueFieldLimit && field == SchemaTables.OtherField)
                    {
                        r.Skip(len);
                    }
                    else
                    {
                        if (output.Length + len > Limits.MaxStructureBytes)
                            throw r.Corrupt($"model structure exceeds the limit of {Limits.MaxStructureBytes} bytes without weights");
                        output.WriteVarint(tag);
                        output.WriteVarint(length);
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
            output.WriteVarint(elidedBytes);
            WriteTag(output, WeightParams.AnecompatElidedFieldFieldNumber, 0);
            output.WriteVarint(elidedField);
        }
    }

    /// <summary>The largest field number protobuf allows (2^29 − 1).</summary>
    private const ulong MaxFieldNumber = (1UL << 29) - 1;

    /// <summary>
    /// Room for a nested message's length before it is known: a five-byte varint, padded with continuation bits,
    /// which protobuf parsers accept and which covers every length up to <see cref="Limits.MaxStructureBytes"/>.
    /// </summary>
    private const int LengthPlaceholderBytes = 5;

    private static void PatchLength(StructureBuffer output, long slot)
    {
        var length = (ulong)(output.Length - slot - LengthPlaceholderBytes);
        Span<byte> placeholder = stackalloc byte[LengthPlaceholderBytes];
        for (var i = 0; i < placeholder.Length - 1; i++)
        {
            placeholder[i] = (byte)(length & 0x7F | 0x80);
            length >>= 7;
        }
        placeholder[^1] = (byte)length;
        output.Patch(slot, placeholder);
    }

    private static void CheckRemaining(WireReader r, long count, long end)
    {
        if (end - r.Position < count) throw r.Corrupt($"truncated: a fixed-size field at offset {r.Position} runs past the end of its message");
    }

    private static void WriteTag(StructureBuffer s, int field, int wireType) => s.WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);
}
