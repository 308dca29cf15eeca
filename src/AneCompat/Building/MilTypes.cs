using AneCompat.Schema.Mil;
using ValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Building;

/// <summary>Factories for MIL value types (formats.md §a.10). A dimension of -1 is unknown (written as UnknownDimension).</summary>
public static class MilTypes
{
    public static ValueType Tensor(DataType dataType, params long[] shape)
    {
        var tensor = new TensorType { DataType = dataType, Rank = shape.Length };
        foreach (var d in shape)
            tensor.Dimensions.Add(d < 0
                ? new Dimension { Unknown = new Dimension.Types.UnknownDimension() }
                : new Dimension { Constant = new Dimension.Types.ConstantDimension { Size = (ulong)d } });
        return new ValueType { TensorType = tensor };
    }

    /// <summary>A rank-0 tensor (MIL scalars are tensors without dimensions).</summary>
    public static ValueType Scalar(DataType dataType) => Tensor(dataType);

    public static ValueType State(ValueType wrapped) => new() { StateType = new StateType { WrappedType = wrapped } };

    /// <summary>A list of <paramref name="element"/>; a length of -1 is unknown.</summary>
    public static ValueType List(ValueType element, long length = -1) => new()
    {
        ListType = new ListType
        {
            Type = element,
            Length = length < 0
                ? new Dimension { Unknown = new Dimension.Types.UnknownDimension() }
                : new Dimension { Constant = new Dimension.Types.ConstantDimension { Size = (ulong)length } },
        },
    };

    public static ValueType Tuple(params ValueType[] types)
    {
        var tuple = new TupleType();
        tuple.Types_.AddRange(types);
        return new ValueType { TupleType = tuple };
    }

    /// <summary>The shape of a tensor type, with -1 for unknown dimensions.</summary>
    public static long[] Shape(ValueType type) =>
        type.TensorType?.Dimensions.Select(d => d.DimensionCase == Dimension.DimensionOneofCase.Constant ? (long)d.Constant.Size : -1L).ToArray()
        ?? Array.Empty<long>();

    /// <summary>Bits per element of a MIL data type (sub-byte types included).</summary>
    public static int BitWidth(DataType dataType) => dataType switch
    {
        DataType.Bool or DataType.Int8 or DataType.Uint8 or DataType.Float8E4M3Fn or DataType.Float8E5M2 => 8,
        DataType.Float16 or DataType.Bfloat16 or DataType.Int16 or DataType.Uint16 => 16,
        DataType.Float32 or DataType.Int32 or DataType.Uint32 => 32,
        DataType.Float64 or DataType.Int64 or DataType.Uint64 => 64,
        DataType.Int4 or DataType.Uint4 => 4,
        DataType.Uint1 => 1, DataType.Uint2 => 2, DataType.Uint3 => 3, DataType.Uint6 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(dataType), dataType, "has no fixed element width"),
    };
}
