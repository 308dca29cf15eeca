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
    public static int BitWidth(DataType dataType) => MilBlobStorage.BitWidth(dataType);
}
