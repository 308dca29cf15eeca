using Google.Protobuf.Reflection;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// Names exactly as the format spells them (proto field and enum value names), read from the generated descriptors:
/// the C# generator renames members (<c>NonMaximumSuppression</c> stays, <c>l2normalize</c> becomes <c>L2Normalize</c>,
/// <c>POWER</c> becomes <c>Power</c>), and reports must show the file's spelling.
/// </summary>
internal static class ProtoNames
{
    /// <summary>Name of the member of <paramref name="oneof"/> whose field number is <paramref name="number"/>; null when none.</summary>
    public static string? OneofMember(MessageDescriptor message, string oneof, int number) =>
        message.Oneofs.FirstOrDefault(o => o.Name == oneof)?.Fields.FirstOrDefault(f => f.FieldNumber == number)?.Name;

    /// <summary>Name of enum value <paramref name="value"/> of field <paramref name="field"/>; the number when the file holds an unnamed value.</summary>
    public static string EnumValue(MessageDescriptor message, string field, int value) =>
        message.FindFieldByName(field)?.EnumType.FindValueByNumber(value)?.Name ?? value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
