namespace AneCompat.Graph;

/// <summary>Element type of a tensor, independent of the format that declared it.</summary>
public enum ElementType
{
    Unknown,
    Bool,
    String,
    Float16,
    Float32,
    Float64,
    BFloat16,
    Float8E4M3FN,
    Float8E5M2,
    Int4,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt1,
    UInt2,
    UInt3,
    UInt4,
    UInt6,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
}

public static class ElementTypes
{
    private static readonly Dictionary<string, ElementType> ByMilName = new(StringComparer.Ordinal)
    {
        ["bool"] = ElementType.Bool, ["string"] = ElementType.String,
        ["fp16"] = ElementType.Float16, ["fp32"] = ElementType.Float32, ["fp64"] = ElementType.Float64,
        ["bf16"] = ElementType.BFloat16, ["fp8e4m3fn"] = ElementType.Float8E4M3FN, ["fp8e5m2"] = ElementType.Float8E5M2,
        ["int4"] = ElementType.Int4, ["int8"] = ElementType.Int8, ["int16"] = ElementType.Int16,
        ["int32"] = ElementType.Int32, ["int64"] = ElementType.Int64,
        ["uint1"] = ElementType.UInt1, ["uint2"] = ElementType.UInt2, ["uint3"] = ElementType.UInt3,
        ["uint4"] = ElementType.UInt4, ["uint6"] = ElementType.UInt6, ["uint8"] = ElementType.UInt8,
        ["uint16"] = ElementType.UInt16, ["uint32"] = ElementType.UInt32, ["uint64"] = ElementType.UInt64,
    };

    private static readonly Dictionary<ElementType, string> MilNames =
        ByMilName.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Parses the element type names used in MIL text (<c>fp16</c>, <c>int32</c>, …).</summary>
    public static bool TryParseMilName(string name, out ElementType type) => ByMilName.TryGetValue(name, out type);

    /// <summary>The MIL text spelling, which is also what reports show.</summary>
    public static string ToMilName(this ElementType type) => MilNames.TryGetValue(type, out var n) ? n : "?";

    /// <summary>Bits per element; 0 when unknown or variable (string).</summary>
    public static int Bits(this ElementType type) => type switch
    {
        ElementType.Bool => 8,
        ElementType.Float16 or ElementType.BFloat16 or ElementType.Int16 or ElementType.UInt16 => 16,
        ElementType.Float32 or ElementType.Int32 or ElementType.UInt32 => 32,
        ElementType.Float64 or ElementType.Int64 or ElementType.UInt64 => 64,
        ElementType.Float8E4M3FN or ElementType.Float8E5M2 or ElementType.Int8 or ElementType.UInt8 => 8,
        ElementType.Int4 or ElementType.UInt4 => 4,
        ElementType.UInt1 => 1,
        ElementType.UInt2 => 2,
        ElementType.UInt3 => 3,
        ElementType.UInt6 => 6,
        _ => 0,
    };

    public static bool IsFloat(this ElementType t) => t is ElementType.Float16 or ElementType.Float32
        or ElementType.Float64 or ElementType.BFloat16 or ElementType.Float8E4M3FN or ElementType.Float8E5M2;

    public static bool IsInteger(this ElementType t) => t is >= ElementType.Int4 and <= ElementType.UInt64;
}
