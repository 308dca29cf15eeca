using AneCompat.Planning;

namespace AneCompat.Tests.Planning;

/// <summary>The (function, name) map the planner and the report's dataflow share: names are scoped to a function.</summary>
public class ValuesByFunctionTests
{
    [Fact]
    public void ANameIsScopedToItsFunctionAndTheNullFunctionIsAScopeOfItsOwn()
    {
        var map = new ValuesByFunction<int>(4);
        map.Set("main", "x", 1);
        map.Set("models[1]/main", "x", 2);
        map.Set(null, "x", 3);
        map.Set("main", "x", 4); // back to a function seen before: the later write wins there only
        Assert.True(map.TryGetValue("main", "x", out var a));
        Assert.Equal(4, a);
        Assert.True(map.TryGetValue("models[1]/main", "x", out var b));
        Assert.Equal(2, b);
        Assert.True(map.TryGetValue(null, "x", out var c));
        Assert.Equal(3, c);
        Assert.False(map.TryGetValue("main", "y", out _));
        Assert.False(map.TryGetValue("other", "x", out _));
    }

    [Fact]
    public void AFunctionNameEqualButNotTheSameStringFindsTheSameScope()
    {
        var map = new ValuesByFunction<int>(4);
        map.Set(new string("main".AsSpan()), "x", 1);
        map.Set("other", "y", 2);
        Assert.True(map.TryGetValue(new string("main".AsSpan()), "x", out var x));
        Assert.Equal(1, x);
    }

    [Fact]
    public void GetOrAddUpdatesTheEntryInPlace()
    {
        var map = new ValuesByFunction<(int Count, int Last)>(4);
        foreach (var i in new[] { 5, 6, 7 })
        {
            ref var entry = ref map.GetOrAdd("main", "x");
            entry = (entry.Count + 1, i);
        }
        Assert.True(map.TryGetValue("main", "x", out var e));
        Assert.Equal((3, 7), e);
    }
}
