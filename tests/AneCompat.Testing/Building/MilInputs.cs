using System.Collections;
using AneCompat.Schema.Mil;

namespace AneCompat.Building;

/// <summary>
/// One op input: a reference to a named variable, an inline value, or a list of those for variadic inputs
/// (e.g. <c>concat.values</c>). Strings convert to references and <see cref="Value"/>s to inline values.
/// </summary>
public sealed class MilArg
{
    internal Argument Argument { get; } = new();

    public static implicit operator MilArg(string name) => Names(name);
    public static implicit operator MilArg(Value value) => Of(value);

    public static MilArg Names(params string[] names)
    {
        var arg = new MilArg();
        foreach (var n in names) arg.Argument.Arguments.Add(new Argument.Types.Binding { Name = n });
        return arg;
    }

    public static MilArg Of(params Value[] values)
    {
        var arg = new MilArg();
        foreach (var v in values) arg.Argument.Arguments.Add(new Argument.Types.Binding { Value = v });
        return arg;
    }
}

/// <summary>An op's named inputs in the order given (the order is kept in the file, so output is reproducible).</summary>
public sealed class MilInputs : IEnumerable<KeyValuePair<string, MilArg>>
{
    private readonly List<KeyValuePair<string, MilArg>> _items = new();

    public void Add(string parameter, MilArg argument)
    {
        if (_items.Any(i => i.Key == parameter))
            throw new ArgumentException($"input '{parameter}' is given twice", nameof(parameter));
        _items.Add(new(parameter, argument));
    }

    public MilArg this[string parameter] { set => Add(parameter, value); }

    public IEnumerator<KeyValuePair<string, MilArg>> GetEnumerator() => _items.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
