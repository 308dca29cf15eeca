using AneCompat.Schema.Mil;

namespace AneCompat.Writing;

/// <summary>
/// The <c>main</c> function of an ML program model at the wire level: its inputs and the operations of its block
/// for the function's opset, each replaceable on its own (everything else of the program is copied as it is).
/// </summary>
public sealed class ProgramSite
{
    private readonly RewritableModel _owner;
    private readonly MessageEdit _function;
    private readonly MessageEdit _block;

    private ProgramSite(RewritableModel owner, MessageEdit function, MessageEdit block)
    {
        _owner = owner;
        _function = function;
        _block = block;
    }

    /// <summary>The site of <paramref name="functionName"/>, or null when the program has no such function or block.</summary>
    internal static ProgramSite? Find(RewritableModel owner, ModelSite site, string functionName, string opset)
    {
        var programField = site.Wire.Single(Schema.Model.MlProgramFieldNumber, owner.Source.Path);
        if (programField is null) return null;
        var program = site.Edit.Child(programField, owner.Index);
        var entry = FindEntry(owner, program, Program.FunctionsFieldNumber, functionName);
        if (entry is null) return null;
        var functionField = entry.Message.Single(2, owner.Source.Path);
        if (functionField is null) return null;
        var function = entry.Child(functionField, owner.Index);
        var blockEntry = FindEntry(owner, function, Function.BlockSpecializationsFieldNumber, opset);
        var blockField = blockEntry?.Message.Single(2, owner.Source.Path);
        if (blockField is null) return null;
        return new ProgramSite(owner, function, blockEntry!.Child(blockField, owner.Index));
    }

    /// <summary>The map entry (key = 1, value = 2) of <paramref name="mapField"/> whose key is <paramref name="key"/>.</summary>
    private static MessageEdit? FindEntry(RewritableModel owner, MessageEdit parent, int mapField, string key)
    {
        foreach (var f in parent.Message.All(mapField))
        {
            var entry = owner.Index.Index(f);
            var keyField = entry.Single(1, owner.Source.Path);
            var k = keyField is null ? "" : System.Text.Encoding.UTF8.GetString(owner.Index.ReadValue(keyField, 1 << 16));
            if (k == key) return parent.Child(f, owner.Index);
        }
        return null;
    }

    /// <summary>Replaces the function input named <paramref name="name"/>.</summary>
    public void ReplaceInput(string name, NamedValueType replacement)
    {
        foreach (var f in _function.Message.All(Function.InputsFieldNumber))
            if (_owner.ReadMessage(f, NamedValueType.Parser).Name == name)
            {
                _function.Replace(f, SpliceChunk.Field(Function.InputsFieldNumber, replacement));
                return;
            }
        throw new InvalidOperationException($"function has no input '{name}'");
    }

    private readonly Dictionary<int, IReadOnlyList<Operation>> _replaced = new();
    private List<WireField>? _operationFields;
    private IReadOnlyList<WireField> OperationFields => _operationFields ??= _block.Message.All(Block.OperationsFieldNumber).ToList();

    /// <summary>Replaces operation <paramref name="index"/> of the block.</summary>
    public void ReplaceOperation(int index, Operation replacement) => ReplaceOperation(index, [replacement]);

    /// <summary>Replaces operation <paramref name="index"/> by several (ops inserted before or after it, in order).
    /// A later replacement of the same index supersedes an earlier one, so fixes compose by reading
    /// <see cref="ReadOperation"/> first.</summary>
    public void ReplaceOperation(int index, IReadOnlyList<Operation> replacement)
    {
        _block.Replace(OperationFields[index], replacement.Select(op => SpliceChunk.Field(Block.OperationsFieldNumber, op)).ToArray());
        _replaced[index] = replacement;
    }

    /// <summary>Operation <paramref name="index"/> as it will be written: the original read whole, or the op that
    /// replaced it when an earlier rewrite replaced it by exactly one op.</summary>
    public Operation ReadOperation(int index)
    {
        if (_replaced.TryGetValue(index, out var ops))
        {
            if (ops.Count != 1) throw new InvalidOperationException($"operation {index} was already replaced by {ops.Count} ops");
            return ops[0].Clone();
        }
        return _owner.ReadMessage(OperationFields[index], Operation.Parser);
    }

    /// <summary>Every operation of the block read whole (immediate values included), as it will be written.</summary>
    public IReadOnlyList<Operation> ReadOperations() => Enumerable.Range(0, OperationFields.Count).Select(ReadOperation).ToList();
}
