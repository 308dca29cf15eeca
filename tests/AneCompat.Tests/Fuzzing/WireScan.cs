namespace AneCompat.Tests.Fuzzing;

/// <summary>
/// Finds the length varints of protobuf length-delimited fields in a file without a schema: a payload that parses
/// cleanly as a message is searched too, so lengths of nested messages are found at every depth.
/// </summary>
public static class WireScan
{
    private const int MaxFound = 200_000;
    private const int MaxDepth = 40;

    public static void Scan(byte[] b, int start, int end, List<LengthField> found) => TryMessage(b, start, end, 0, found);

    private static bool TryMessage(byte[] b, int pos, int end, int depth, List<LengthField> found)
    {
        var mine = new List<LengthField>();
        while (pos < end)
        {
            if (!TryVarint(b, ref pos, end, out var tag) || tag >> 3 == 0) return false;
            switch (tag & 7)
            {
                case 0:
                    if (!TryVarint(b, ref pos, end, out _)) return false;
                    break;
                case 1:
                    if (end - pos < 8) return false;
                    pos += 8;
                    break;
                case 5:
                    if (end - pos < 4) return false;
                    pos += 4;
                    break;
                case 2:
                    var lengthAt = pos;
                    if (!TryVarint(b, ref pos, end, out var length) || length > (ulong)(end - pos)) return false;
                    mine.Add(new LengthField(lengthAt, pos - lengthAt, LengthEncoding.Varint, length));
                    if (length > 1 && depth < MaxDepth && found.Count + mine.Count < MaxFound)
                        TryMessage(b, pos, pos + (int)length, depth + 1, mine);
                    pos += (int)length;
                    break;
                default:
                    return false;
            }
        }
        if (found.Count < MaxFound) found.AddRange(mine.Take(MaxFound - found.Count));
        return true;
    }

    private static bool TryVarint(byte[] b, ref int pos, int end, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < end; shift += 7)
        {
            var x = b[pos++];
            value |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return true;
        }
        return false;
    }

    public static byte[] EncodeVarint(ulong value)
    {
        var bytes = new List<byte>(10);
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return bytes.ToArray();
    }
}
