using AneCompat.Decoders.Protobuf;

namespace AneCompat.Decoders.NeuralNetwork;

/// <summary>
/// Names exactly as the format spells them (proto field and enum value names), from the schema tables generated from
/// the .proto files: the C# generator renames members (<c>NonMaximumSuppression</c> stays, <c>l2normalize</c> becomes
/// <c>L2Normalize</c>, <c>POWER</c> becomes <c>Power</c>), and reports must show the file's spelling.
/// </summary>
internal static class ProtoNames
{
    /// <summary>Name of the member of oneof <paramref name="oneof"/> of <paramref name="message"/> (the C# message name) whose field number is <paramref name="number"/>; null when none.</summary>
    public static string? OneofMember(string message, string oneof, int number) => SchemaTables.OneofMember($"{message}.{oneof}", number);

    /// <summary>Name of enum value <paramref name="value"/> of field <paramref name="field"/>; the number when the file holds an unnamed value.</summary>
    public static string EnumValue(string message, string field, int value) =>
        SchemaTables.EnumValue($"{message}.{field}", value) ?? value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
