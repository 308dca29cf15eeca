using AneCompat.Graph;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Rules.Checks;

/// <summary>Finds the state a read_state/write_state/slice_update op touches, and its declared type.</summary>
internal static class StateOps
{
    public static readonly string[] Kinds = { "read_state", "write_state", "slice_update" };

    /// <summary>The state argument and its type (from the argument, else from the model's declared states).</summary>
    public static (string Name, ValueType Type)? State(OpContext ctx)
    {
        foreach (var arg in ctx.Op.AllArguments)
        {
            if (arg.Name is null) continue;
            if (arg.Type.Kind == ValueKind.State) return (arg.Name, arg.Type);
            var declared = ctx.Node.Interface.States.FirstOrDefault(s => s.Name == arg.Name);
            if (declared is not null)
                return (arg.Name, new ValueType(ValueKind.State, declared.Element, TensorShape.Of(declared.Shape)));
        }
        return null;
    }
}
