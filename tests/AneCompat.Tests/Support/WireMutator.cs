using AneCompat.Decoders.Protobuf;

namespace AneCompat.Tests.Support;

/// <summary>
/// A seeded mutator of protobuf encodings of ML-program operations. It reads the bytes into a tree of fields (the
/// schema tables say which fields hold messages, strings and packed numbers), changes one thing in a way protobuf
/// gives a meaning to, or breaks it, and writes the tree back: a field duplicated (a singular message merges, a map
/// key repeats, a scalar's last value wins), a message split in two, an unknown field inserted, a field sent with
/// another wire type, packed numbers unpacked or unpacked ones packed, a message field renumbered to another member
/// (a oneof switches), a varint changed, a field deleted or moved, a string made invalid UTF-8, a payload or the
/// whole operation cut short.
/// </summary>
internal static class WireMutator
{
    private sealed class Node
    {
        public int Field;
        public int WireType;
        public ulong Varint;
        public byte[] Payload = [];
        public List<Node>? Children;
        public int Message = -1;
        /// <summary>Width of each packed number: 4, 8, or 1 for varints; 0 when not packed numbers.</summary>
        public int Packed;
        public bool IsString;

        public Node Clone() => new()
        {
            Field = Field, WireType = WireType, Varint = Varint, Payload = Payload, Message = Message, Packed = Packed,
            IsString = IsString, Children = Children?.Select(c => c.Clone()).ToList(),
        };
    }

    public static byte[] Mutate(byte[] operation, Random random)
    {
        if (random.Next(25) == 0) return operation[..random.Next(operation.Length)];
        var root = Parse(operation, SchemaTables.MilOperationMessage);
        if (root is null) return operation;
        var lists = new List<(List<Node> Siblings, int Message)>();
        Collect(root, SchemaTables.MilOperationMessage, lists);
        var (siblings, message) = lists[random.Next(lists.Count)];
        if (siblings.Count == 0)
        {
            siblings.Add(UnknownField(random));
            return Encode(root);
        }
        var i = random.Next(siblings.Count);
        var node = siblings[i];
        switch (random.Next(13))
        {
            case 0: // duplicate
                siblings.Insert(random.Next(i + 1, siblings.Count + 1), node.Clone());
                break;
            case 1: // duplicate with something changed inside: merged messages differ, a repeated map key gets another value
                var copy = node.Clone();
                Vary(copy, random);
                siblings.Insert(random.Next(i + 1, siblings.Count + 1), copy);
                break;
            case 2 when node.Children is { Count: > 0 } children: // split a message in two
                var k = random.Next(children.Count + 1);
                var second = node.Clone();
                node.Children = children.Take(k).ToList();
                second.Children = second.Children!.Skip(k).ToList();
                siblings.Insert(i + 1, second);
                break;
            case 3:
                siblings.Insert(random.Next(siblings.Count + 1), UnknownField(random));
                break;
            case 4: // another wire type
                node.Children = null;
                node.Packed = 0;
                if (node.WireType == 2) (node.WireType, node.Varint) = (0, (ulong)random.Next(1000));
                else (node.WireType, node.Payload) = (5, [1, 2, 3, 4]);
                break;
            case 5 when node.Packed > 0: // unpack
                siblings.RemoveAt(i);
                siblings.InsertRange(i, Unpack(node));
                break;
            case 5 when message is 287 or 288 or 289 or 291 or 292 && node.WireType != 2: // pack the unpacked ones
                var unpacked = siblings.Where(s => s.Field == 1 && s.WireType != 2).ToList();
                var packed = new Node { Field = 1, WireType = 2, Packed = node.WireType == 0 ? 1 : node.WireType == 5 ? 4 : 8 };
                packed.Payload = unpacked.SelectMany(s => s.WireType == 0 ? Varint(s.Varint) : s.Payload).ToArray();
                siblings.Insert(siblings.IndexOf(unpacked[0]), packed);
                siblings.RemoveAll(unpacked.Contains);
                break;
            case 6 when node.WireType == 2: // cut a payload short
                var bytes = node.Children is null ? node.Payload : Encode(node.Children);
                node.Children = null;
                node.Payload = bytes[..random.Next(bytes.Length + 1)];
                break;
            case 7 when node.IsString:
                node.Payload = random.Next(2) == 0 ? [.. node.Payload, 0xFF] : [0xC3, 0x28, .. node.Payload];
                break;
            case 8:
                siblings.RemoveAt(i);
                break;
            case 9:
                var j = random.Next(siblings.Count);
                (siblings[i], siblings[j]) = (siblings[j], siblings[i]);
                break;
            case 10 when node.Children is not null: // renumber to another member holding a message
                var members = MessageFields(message).Where(f => f != node.Field).ToList();
                if (members.Count > 0) node.Field = members[random.Next(members.Count)];
                break;
            case 11 when node.WireType == 0:
                node.Varint = random.Next(4) switch { 0 => 0, 1 => ulong.MaxValue, 2 => (ulong)random.Next(64), _ => (ulong)random.NextInt64() };
                break;
            case 12 when node.Children is not null: // a broken member before this one: a oneof drops it, the library still read it
                var broken = node.Clone();
                Break(broken, random);
                var others = MessageFields(message).Where(f => f != node.Field).ToList();
                if (others.Count > 0 && random.Next(3) > 0) broken.Field = others[random.Next(others.Count)];
                siblings.Insert(i, broken);
                break;
            default:
                siblings.Insert(random.Next(i + 1, siblings.Count + 1), node.Clone());
                break;
        }
        return Encode(root);
    }

    /// <summary>Changes one scalar, string or field inside a message field, keeping it well formed.</summary>
    private static void Vary(Node message, Random random)
    {
        if (message.Children is null) return;
        var lists = new List<(List<Node> Siblings, int Message)>();
        Collect(message.Children, message.Message, lists);
        var (siblings, _) = lists[random.Next(lists.Count)];
        if (siblings.Count == 0) return;
        var node = siblings[random.Next(siblings.Count)];
        if (node.WireType == 0) node.Varint += (ulong)random.Next(1, 100);
        else if (node.IsString && random.Next(2) == 0) node.Payload = [.. node.Payload, (byte)'v'];
        else if (random.Next(2) == 0) siblings.Remove(node);
        else siblings.Add(node.Clone());
    }

    /// <summary>Makes a string inside a message field invalid UTF-8, or cuts packed numbers inside it short.</summary>
    private static void Break(Node message, Random random)
    {
        var lists = new List<(List<Node> Siblings, int Message)>();
        Collect(message.Children!, message.Message, lists);
        var candidates = lists.SelectMany(l => l.Siblings).Where(n => n.IsString || n.Packed is 4 or 8 && n.Payload.Length > 0).ToList();
        if (candidates.Count == 0) return;
        var node = candidates[random.Next(candidates.Count)];
        node.Payload = node.IsString ? [.. node.Payload, 0xFF] : node.Payload[..^1];
    }

    private static IEnumerable<int> MessageFields(int message)
    {
        for (var f = 1; f <= 8; f++)
            if (SchemaTables.FieldKind(message, f) >= 0) yield return f;
    }

    private static Node UnknownField(Random random)
    {
        var field = random.Next(2) == 0 ? random.Next(6, 16) : 1000;
        return random.Next(4) switch
        {
            0 => new Node { Field = field, WireType = 0, Varint = (ulong)random.NextInt64() },
            1 => new Node { Field = field, WireType = 1, Payload = [1, 2, 3, 4, 5, 6, 7, 8] },
            2 => new Node { Field = field, WireType = 5, Payload = [9, 8, 7, 6] },
            _ => new Node { Field = field, WireType = 2, Payload = [0xFF, 0x80, 0x01] },
        };
    }

    private static IEnumerable<Node> Unpack(Node packed)
    {
        var payload = packed.Payload;
        if (packed.Packed is 4 or 8)
        {
            for (var at = 0; at + packed.Packed <= payload.Length; at += packed.Packed)
                yield return new Node { Field = packed.Field, WireType = packed.Packed == 4 ? 5 : 1, Payload = payload[at..(at + packed.Packed)] };
            yield break;
        }
        var position = 0;
        while (position < payload.Length && TryVarint(payload, ref position, out var value))
            yield return new Node { Field = packed.Field, WireType = 0, Varint = value };
    }

    private static void Collect(List<Node> fields, int message, List<(List<Node>, int)> into)
    {
        into.Add((fields, message));
        foreach (var f in fields)
            if (f.Children is not null) Collect(f.Children, f.Message, into);
    }

    private static List<Node>? Parse(byte[] bytes, int message)
    {
        var nodes = new List<Node>();
        var position = 0;
        while (position < bytes.Length)
        {
            if (!TryVarint(bytes, ref position, out var tag)) return null;
            var node = new Node { Field = (int)(tag >> 3), WireType = (int)(tag & 7) };
            if (node.Field == 0) return null;
            switch (node.WireType)
            {
                case 0:
                    if (!TryVarint(bytes, ref position, out node.Varint)) return null;
                    break;
                case 1 or 5:
                    var width = node.WireType == 1 ? 8 : 4;
                    if (bytes.Length - position < width) return null;
                    node.Payload = bytes[position..(position + width)];
                    position += width;
                    break;
                case 2:
                    if (!TryVarint(bytes, ref position, out var length) || length > (ulong)(bytes.Length - position)) return null;
                    node.Payload = bytes[position..(position + (int)length)];
                    position += (int)length;
                    var kind = SchemaTables.FieldKind(message, node.Field);
                    if (kind >= 0)
                    {
                        node.Message = kind;
                        node.Children = Parse(node.Payload, kind);
                    }
                    node.IsString = kind == SchemaTables.StringField;
                    if (node.Field == 1) node.Packed = message switch { 287 => 4, 292 => 8, 288 or 289 or 291 => 1, _ => 0 };
                    break;
                default:
                    return null;
            }
            nodes.Add(node);
        }
        return nodes;
    }

    private static byte[] Encode(List<Node> nodes)
    {
        var output = new List<byte>();
        foreach (var n in nodes)
        {
            output.AddRange(Varint((ulong)n.Field << 3 | (uint)n.WireType));
            if (n.WireType == 0) output.AddRange(Varint(n.Varint));
            else if (n.WireType == 2)
            {
                var payload = n.Children is null ? n.Payload : Encode(n.Children);
                output.AddRange(Varint((ulong)payload.Length));
                output.AddRange(payload);
            }
            else output.AddRange(n.Payload);
        }
        return output.ToArray();
    }

    private static bool TryVarint(byte[] bytes, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 70 && position < bytes.Length; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }

    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        bytes.Add((byte)value);
        return bytes.ToArray();
    }
}
