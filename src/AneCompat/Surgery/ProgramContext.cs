using AneCompat.Schema.Mil;
using MilValueType = AneCompat.Schema.Mil.ValueType;

namespace AneCompat.Surgery;

/// <summary>
/// One ML-program function as the program fixes see it: the ops of its block (structure as read), the type of every
/// top-level value, who produces and who reads each value (ops with nested blocks count as readers of every outer
/// value their blocks read), and the function's outputs.
/// </summary>
public sealed class ProgramContext
{
    public ProgramContext(Function function, Block block)
    {
        Function = function;
        Block = block;
        foreach (var input in function.Inputs) Types[input.Name] = input.Type;
        for (var i = 0; i < block.Operations.Count; i++)
        {
            var op = block.Operations[i];
            foreach (var o in op.Outputs) { Types[o.Name] = o.Type; Producers.TryAdd(o.Name, i); }
            foreach (var name in ReadNames(op).Distinct())
            {
                if (!Readers.TryGetValue(name, out var list)) Readers[name] = list = new List<int>();
                list.Add(i);
            }
        }
        foreach (var o in block.Outputs) Outputs.Add(o);
    }

    public Function Function { get; }
    public Block Block { get; }
    public IReadOnlyList<Operation> Ops => Block.Operations;
    public Dictionary<string, MilValueType> Types { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> Producers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<int>> Readers { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Outputs { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<int> ReadersOf(string name) => Readers.TryGetValue(name, out var l) ? l : [];

    /// <summary>The const op producing <paramref name="name"/>, or null.</summary>
    public Operation? ConstantOf(string name) =>
        Producers.TryGetValue(name, out var i) && Ops[i].Type == "const" && Ops[i].Attributes.ContainsKey("val") ? Ops[i] : null;

    public DataType? DataTypeOf(string name) => Types.TryGetValue(name, out var t) ? t.TensorType?.DataType : null;

    /// <summary>Computes in fp32: writes an fp32 tensor or reads one computed at run time. fp32 constant parameters
    /// of an otherwise fp16 op (scales, alpha/beta — mixed precision is legal from iOS 17) do not count.</summary>
    public bool IsFp32(Operation op) =>
        op.Outputs.Any(o => o.Type?.TensorType?.DataType == DataType.Float32)
        || op.Inputs.Values.SelectMany(a => a.Arguments).Any(b => b.BindingCase == Argument.Types.Binding.BindingOneofCase.Name
            && DataTypeOf(b.Name) == DataType.Float32 && ConstantOf(b.Name) is null);

    /// <summary>Every value name an op reads, its nested blocks included.</summary>
    public static IEnumerable<string> ReadNames(Operation op)
    {
        foreach (var a in op.Inputs.Values)
            foreach (var b in a.Arguments)
                if (b.BindingCase == Argument.Types.Binding.BindingOneofCase.Name) yield return b.Name;
        foreach (var nested in op.Blocks)
        {
            foreach (var inner in nested.Operations)
                foreach (var n in ReadNames(inner)) yield return n;
            foreach (var n in nested.Outputs) yield return n;
        }
    }
}
