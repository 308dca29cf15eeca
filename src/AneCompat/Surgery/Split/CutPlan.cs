using AneCompat.Planning;

namespace AneCompat.Surgery.Split;

/// <summary>
/// One top-level op (NeuralNetwork layer or ML program operation) as the cutter sees it: the names it reads from
/// outside itself and the names it writes, nested blocks included.
/// </summary>
/// <param name="Device">Predicted device; null for placement-neutral ops (constants). An op with nested blocks is
/// placed where its least capable nested op is, since a cut never enters a block.</param>
/// <param name="IsConstant">Reads nothing: it is copied into every sub-model that uses it instead of crossing a boundary.</param>
internal sealed record CutUnit(int Index, string Name, IReadOnlyList<string> Reads, IReadOnlyList<string> Writes,
    Device? Device, bool IsConstant, bool HasBlocks);

/// <summary>One sub-model to be: the units it runs (constants included) and its interface.</summary>
internal sealed class CutPart
{
    public required int Index { get; init; }
    public required string Label { get; init; }
    public List<int> Units { get; } = new();
    public List<string> Inputs { get; } = new();
    public List<string> Outputs { get; } = new();
}

/// <summary>
/// Decides the cut: groups top-level units into consecutive parts (at device changes, or after the ops the user
/// names), then works out what crosses: every value a part reads that an earlier part wrote becomes an output of
/// the writer and an input of the reader (skip connections included); constants are duplicated instead.
/// </summary>
internal static class CutPlanner
{
    public static List<CutPart> Plan(IReadOnlyList<CutUnit> units, IReadOnlyList<string> cutAfter,
        IReadOnlyCollection<string> modelInputs, IReadOnlyList<string> modelOutputs, SplitBoundaries by = SplitBoundaries.Placement)
    {
        var groups = cutAfter.Count > 0 ? GroupAt(units, cutAfter) : GroupByDevice(units);
        if (groups.Count < 2)
            throw new SplitRefusedException(cutAfter.Count > 0 ? "nothing to split: the cut leaves every op on one side" : NothingToSplit(groups, by));

        var writer = new Dictionary<string, int>(StringComparer.Ordinal);   // value → part that writes it
        var constWriter = new Dictionary<string, CutUnit>(StringComparer.Ordinal);
        foreach (var u in units.Where(u => u.IsConstant))
            foreach (var w in u.Writes) constWriter[w] = u;

        var parts = groups.Select((g, i) => new CutPart { Index = i, Label = g.Label }).ToList();
        for (var p = 0; p < parts.Count; p++)
        {
            var part = parts[p];
            var defined = new HashSet<string>(StringComparer.Ordinal);
            var members = new SortedSet<int>(groups[p].Units);
            foreach (var i in groups[p].Units)
            {
                var u = units[i];
                foreach (var r in u.Reads)
                {
                    if (defined.Contains(r)) continue;
                    if (constWriter.TryGetValue(r, out var c))
                    {
                        members.Add(c.Index);
                        foreach (var w in c.Writes) defined.Add(w);
                        continue;
                    }
                    if (modelInputs.Contains(r)) { AddOnce(part.Inputs, r); continue; }
                    if (!writer.TryGetValue(r, out var from))
                        throw new SplitRefusedException($"'{u.Name}' reads '{r}', which no earlier op writes");
                    AddOnce(part.Inputs, r);
                    AddOnce(parts[from].Outputs, r);
                }
                foreach (var w in u.Writes)
                {
                    if (writer.TryGetValue(w, out var earlier) && earlier != p && parts[earlier].Outputs.Contains(w))
                        throw new SplitRefusedException($"value '{w}' is written in two sub-models; the boundary cannot be named");
                    writer[w] = p;
                    defined.Add(w);
                }
            }
            part.Units.AddRange(members);
        }

        // Model outputs leave from the part that wrote them last; outputs no op writes (a classifier's label) from
        // the last part, which keeps the classifier head.
        foreach (var o in modelOutputs)
        {
            if (writer.TryGetValue(o, out var p)) AddOnce(parts[p].Outputs, o);
            else if (constWriter.TryGetValue(o, out var c)) { parts[0].Units.Add(c.Index); parts[0].Units.Sort(); AddOnce(parts[0].Outputs, o); }
            else if (!modelInputs.Contains(o)) AddOnce(parts[^1].Outputs, o);
        }
        foreach (var part in parts.Where(p => p.Outputs.Count == 0))
            throw new SplitRefusedException($"sub-model {part.Index + 1} ({part.Label}) would have no output that anything uses");
        return parts;
    }

    /// <summary>Why a split by boundaries found none, and what the user can do instead.</summary>
    private static string NothingToSplit(List<Group> groups, SplitBoundaries by)
    {
        var device = groups.Count == 0 ? null : groups[0].Label;
        if (device is null) return "nothing to split: the model has no compute op";
        if (by == SplitBoundaries.Eligibility)
            return device == "ANE"
                ? "nothing to split: every op is ANE-eligible; name a cut point with --at OPNAME"
                : $"nothing to split: no op is ANE-eligible (every op is predicted on the {device}); name a cut point with --at OPNAME";
        return device == "ANE"
            ? "nothing to split: every op is predicted on the ANE; name a cut point with --at OPNAME"
            : $"nothing to split: every op is predicted on the {device}; cut where the ANE could run with --by eligibility, or name a cut point with --at OPNAME";
    }

    private static void AddOnce(List<string> list, string name)
    {
        if (!list.Contains(name)) list.Add(name);
    }

    private sealed record Group(string Label, List<int> Units);

    private static List<Group> GroupByDevice(IReadOnlyList<CutUnit> units)
    {
        var groups = new List<Group>();
        Device? current = null;
        var pending = new List<int>();   // placement-neutral non-constant units before the first placed one
        foreach (var u in units)
        {
            if (u.IsConstant) continue;
            if (u.Device is not { } d)
            {
                if (groups.Count == 0) pending.Add(u.Index); else groups[^1].Units.Add(u.Index);
                continue;
            }
            if (current != d || groups.Count == 0)
            {
                groups.Add(new Group(d.ToLabel(), new List<int>()));
                current = d;
                if (pending.Count > 0) { groups[^1].Units.AddRange(pending); pending.Clear(); }
            }
            groups[^1].Units.Add(u.Index);
        }
        if (pending.Count > 0) groups.Add(new Group("CPU", pending));
        return groups;
    }

    private static List<Group> GroupAt(IReadOnlyList<CutUnit> units, IReadOnlyList<string> cutAfter)
    {
        // An op is named by its own name or by a value it writes (ML program ops are usually known by their output).
        var byName = new Dictionary<string, CutUnit>(StringComparer.Ordinal);
        foreach (var u in units) byName.TryAdd(u.Name, u);
        foreach (var u in units) foreach (var w in u.Writes) byName.TryAdd(w, u);
        var cuts = new SortedSet<int>();
        foreach (var name in cutAfter)
        {
            if (!byName.TryGetValue(name, out var u))
                throw new SplitRefusedException($"--at {name}: no top-level op of that name (ops inside nested blocks cannot be cut at)");
            cuts.Add(u.Index);
        }
        var groups = new List<Group>();
        var current = new List<int>();
        foreach (var u in units)
        {
            if (!u.IsConstant) current.Add(u.Index);
            if (cuts.Contains(u.Index) && current.Count > 0) { groups.Add(new Group(LabelOf(current, units), current)); current = new List<int>(); }
        }
        if (current.Count > 0) groups.Add(new Group(LabelOf(current, units), current));
        return groups;
    }

    /// <summary>A user-cut part is labelled by its predicted device when all its placed ops agree, else "mixed".</summary>
    private static string LabelOf(List<int> part, IReadOnlyList<CutUnit> units)
    {
        var devices = part.Select(i => units[i].Device).Where(d => d is not null).Distinct().ToList();
        return devices.Count == 1 ? devices[0]!.Value.ToLabel() : devices.Count == 0 ? "CPU" : "mixed";
    }
}
