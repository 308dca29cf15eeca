namespace AneCompat.Decoders.Protobuf;

/// <summary>
/// What the reader needs of the Core ML protobuf schema, as tables generated from it (SchemaTables.g.cs): the
/// protobuf library's own descriptors are built by reflection, which costs more than reading a small model, so the
/// read path never touches them. Messages are numbered (<see cref="ModelMessage"/> is the root).
/// </summary>
internal static partial class SchemaTables
{
    /// <summary>A string field (kept even when large: names and text are structure).</summary>
    public const int StringField = -1;

    /// <summary>Any other field that is not a message (scalars, bytes, packed numbers, enums).</summary>
    public const int OtherField = -2;

    /// <summary>Field numbers the message does not declare (an unknown or newer field).</summary>
    public const int UnknownField = -3;

    /// <summary>How field <paramref name="number"/> of message <paramref name="message"/> is typed: a message index, or one of the field constants.</summary>
    public static int FieldKind(int message, int number)
    {
        var pairs = MessageFields[message];
        int lo = 0, hi = pairs.Length / 2 - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var n = pairs[2 * mid];
            if (n == number) return pairs[2 * mid + 1];
            if (n < number) lo = mid + 1;
            else hi = mid - 1;
        }
        return UnknownField;
    }

    /// <summary>Name of the member of a oneof (keyed "Message.oneof") with field number <paramref name="number"/>; null when none.</summary>
    public static string? OneofMember(string oneof, int number) =>
        OneofMembers[oneof].TryGetValue(number, out var name) ? name : null;

    /// <summary>Every member of a oneof (keyed "Message.oneof"): field number → name.</summary>
    public static IReadOnlyDictionary<int, string> OneofMemberNames(string oneof) => OneofMembers[oneof];

    /// <summary>Name of value <paramref name="value"/> of an enum field (keyed "Message.field"); null for an unnamed value.</summary>
    public static string? EnumValue(string field, int value) =>
        EnumValues[field].TryGetValue(value, out var name) ? name : null;
}
