using AneCompat.Graph;
using AneCompat.Planning;

namespace AneCompat.Surgery.Split;

/// <summary>Reads the planner's prediction per top-level op of the model's one function: its predicted device, or
/// (<see cref="SplitBoundaries.Eligibility"/>) the ANE for every ANE-eligible op whatever the cost model decided.</summary>
internal sealed class PlacementLookup
{
    private readonly Dictionary<Op, PlannedOp> _planned;
    private readonly SplitBoundaries _by;
    public GraphFunction Function { get; }

    public PlacementLookup(ModelGraph graph, Plan plan, SplitBoundaries by = SplitBoundaries.Placement)
    {
        _by = by;
        if (graph.Root.Functions.Count != 1)
            throw new SplitRefusedException($"the model has {graph.Root.Functions.Count} functions; only single-function models can be split");
        Function = graph.Root.Functions[0];
        _planned = new Dictionary<Op, PlannedOp>(ReferenceEqualityComparer.Instance);
        foreach (var p in plan.Ops) _planned[p.Op] = p;
    }

    /// <summary>Device of a top-level op; for an op with nested blocks, the CPU if any nested op is off the ANE
    /// (the block cannot be cut, so it goes where its least capable op must run). Null when placement-neutral.</summary>
    public Device? DeviceOf(Op op)
    {
        var devices = new List<Device>();
        if (_planned.TryGetValue(op, out var p) && Cut(p) is { } d) devices.Add(d);
        foreach (var b in op.Blocks)
            foreach (var inner in b.AllOps())
                if (_planned.TryGetValue(inner, out var q) && Cut(q) is { } e) devices.Add(e);
        if (devices.Count == 0) return _planned.TryGetValue(op, out var h) && h.Role == OpRole.Host ? Device.Cpu : null;
        if (devices.All(x => x == Device.Ane)) return Device.Ane;
        return devices.Contains(Device.Cpu) ? Device.Cpu : Device.Gpu;
    }

    /// <summary>The device a compute op is cut for: its predicted one, or under eligibility the ANE when no rule
    /// blocks it (a blocked op is never predicted on the ANE, so its predicted device stands).</summary>
    private Device? Cut(PlannedOp p)
    {
        if (p.Role != OpRole.Compute) return null;
        return _by == SplitBoundaries.Eligibility && p.Eligible ? Device.Ane : p.Device;
    }

    /// <summary>Names of ops inside nested blocks (which a cut may not name).</summary>
    public HashSet<string> NestedNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in Function.Body.Ops)
            foreach (var b in op.Blocks)
                foreach (var inner in b.AllOps())
                    if (inner.Name is { } n) names.Add(n);
        return names;
    }

    /// <summary>The graph's type of a value by name (op outputs at any depth, function inputs).</summary>
    public Graph.ValueType? TypeOf(string name)
    {
        foreach (var i in Function.Inputs) if (i.Name == name) return i.Type;
        foreach (var op in Function.Body.AllOps())
            foreach (var o in op.Outputs)
                if (o.Name == name) return o.Type;
        return null;
    }
}
