using System.Runtime.InteropServices;

namespace AneCompat.Planning;

/// <summary>
/// A map keyed by (function, value name) — names are scoped to a function — kept as one ordinal map per function.
/// A tuple key hashes both strings with the randomized string hash on every lookup; here only the name is hashed,
/// by the ordinal comparer .NET keeps fast (and still collision-safe on hostile names), and ops of one function come
/// in a run, so the function's map is found once per run. A null function is a scope of its own.
/// </summary>
internal sealed class ValuesByFunction<T>(int capacity)
{
    private readonly Dictionary<string, Dictionary<string, T>> _functions = new(StringComparer.Ordinal);
    private Dictionary<string, T>? _noFunction;
    private string? _lastFunction;
    private Dictionary<string, T>? _last;
    private bool _sized;

    public bool TryGetValue(string? function, string name, out T value)
    {
        if (Scope(function, create: false) is { } map) return map.TryGetValue(name, out value!);
        value = default!;
        return false;
    }

    public void Set(string? function, string name, T value) => Scope(function, create: true)![name] = value;

    /// <summary>The entry for (function, name), added with its default value when missing, to update in place.</summary>
    public ref T? GetOrAdd(string? function, string name) =>
        ref CollectionsMarshal.GetValueRefOrAddDefault(Scope(function, create: true)!, name, out _);

    private Dictionary<string, T>? Scope(string? function, bool create)
    {
        if (function is null) return _noFunction ??= create ? NewMap() : null;
        if (_last is not null && string.Equals(function, _lastFunction, StringComparison.Ordinal)) return _last;
        if (!_functions.TryGetValue(function, out var map))
        {
            if (!create) return null;
            _functions[function] = map = NewMap();
        }
        _lastFunction = function;
        _last = map;
        return map;
    }

    // The first map gets the expected size (most models have one function); later ones grow as they fill.
    private Dictionary<string, T> NewMap()
    {
        var size = _sized ? 0 : capacity;
        _sized = true;
        return new Dictionary<string, T>(size, StringComparer.Ordinal);
    }
}
