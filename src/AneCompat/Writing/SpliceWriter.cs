using Google.Protobuf;

namespace AneCompat.Writing;

/// <summary>
/// Writes a new protobuf file from the original and a tree of <see cref="MessageEdit"/>s: untouched fields are
/// streamed from the original byte for byte (weights included, never held in memory); edited messages get a new
/// length prefix and their fields spliced the same way. Memory is the edits plus one copy buffer.
/// </summary>
public static class SpliceWriter
{
    public static void Write(WireIndex index, MessageEdit root, Stream output)
    {
        if (root.Message.Start != 0 || root.Message.End != index.Length)
            throw new ArgumentException("the root edit must be the file's top-level message", nameof(root));
        var buffer = new byte[1 << 20];
        var sizes = new Dictionary<MessageEdit, long>(ReferenceEqualityComparer.Instance);
        BodySize(root, sizes);
        WriteBody(index, root, output, buffer, sizes);
    }

    /// <summary>The size of the file <see cref="Write"/> would produce.</summary>
    public static long Size(MessageEdit root) => BodySize(root, new Dictionary<MessageEdit, long>(ReferenceEqualityComparer.Instance));

    private static long BodySize(MessageEdit edit, Dictionary<MessageEdit, long> sizes)
    {
        long size = edit.Prepended.Sum(c => c.Length) + edit.Appended.Sum(c => c.Length);
        foreach (var f in edit.Message.Fields)
        {
            var replaced = edit.ReplacementOf(f);
            if (replaced is not null) { size += replaced.Sum(c => c.Length); continue; }
            var child = edit.ChildOf(f);
            if (child is not null && !child.IsEmpty)
            {
                var body = BodySize(child, sizes);
                size += CodedOutputStream.ComputeTagSize(f.Number) + CodedOutputStream.ComputeLengthSize(checked((int)body)) + body;
                continue;
            }
            size += f.End - f.TagStart;
        }
        sizes[edit] = size;
        return size;
    }

    private static void WriteBody(WireIndex index, MessageEdit edit, Stream output, byte[] buffer, Dictionary<MessageEdit, long> sizes)
    {
        foreach (var c in edit.Prepended) c.WriteTo(index.File, output, buffer);
        // Runs of untouched fields are copied as one range.
        long runStart = -1, runEnd = -1;
        void Flush()
        {
            if (runStart < 0) return;
            SpliceChunk.Original(runStart, runEnd).WriteTo(index.File, output, buffer);
            runStart = runEnd = -1;
        }
        foreach (var f in edit.Message.Fields)
        {
            var replaced = edit.ReplacementOf(f);
            var child = replaced is null ? edit.ChildOf(f) : null;
            // An edit that changes nothing keeps the original bytes (its length prefix may not be minimal).
            if (child is not null && child.IsEmpty) child = null;
            if (replaced is null && child is null)
            {
                if (runStart >= 0 && runEnd == f.TagStart) runEnd = f.End;
                else { Flush(); runStart = f.TagStart; runEnd = f.End; }
                continue;
            }
            Flush();
            if (replaced is not null)
            {
                foreach (var c in replaced) c.WriteTo(index.File, output, buffer);
                continue;
            }
            var header = new MemoryStream();
            var coded = new CodedOutputStream(header);
            coded.WriteTag(f.Number, WireFormat.WireType.LengthDelimited);
            coded.WriteLength(checked((int)sizes[child!]));
            coded.Flush();
            output.Write(header.GetBuffer(), 0, (int)header.Length);
            WriteBody(index, child!, output, buffer, sizes);
        }
        Flush();
        foreach (var c in edit.Appended) c.WriteTo(index.File, output, buffer);
    }
}
