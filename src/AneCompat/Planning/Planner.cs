using AneCompat.Diagnostics;
using AneCompat.Graph;
using AneCompat.Rules;

namespace AneCompat.Planning;

/// <summary>
/// Predicts where Core ML puts each op and cuts the model into device segments, from the rule base's findings and
/// the placement heuristics of ane-rules.md §1.12, §4.2 and §4.8. Steps, in order:
/// <list type="number">
/// <item>Role, from the analysis: folded ops (<see cref="Analysis.IsFolded"/>) are placement-neutral; host ops run on
/// the CPU outside the model's compute. Everything else is compute.</item>
/// <item>Eligibility is the analysis's answer (<see cref="Analysis.BlockerOf"/>): a compute op is ANE-eligible unless
/// one of its findings, or a model-level finding about the model or pipeline member containing it, blocks the ANE
/// (op→CPU, op→GPU, model→CPU/GPU, compile-fail, host). A classical member's finding never blocks another member.</item>
/// <item>Compute units (CU-CONFIG): <c>cpu-only</c> puts everything on the CPU. <c>cpu-and-gpu</c> puts ANE-eligible
/// ops, op→GPU ops and ops barred from the ANE only by precision (fp32, which bars only the ANE) on the GPU and the
/// rest on the CPU (GPU support itself is not modelled further). <c>cpu-and-ne</c> and
/// <c>all</c> put eligible ops on the ANE; an ineligible op goes to the GPU only under <c>all</c> and only when one
/// of its findings says op→GPU, otherwise to the CPU.</item>
/// <item>COST-MIN-WORK (<see cref="PlacementSteps"/>): within each function, every maximal run of consecutive ANE ops
/// whose CPU time is known and below the ANE's dispatch overhead plus boundary copies moves to the CPU. This covers a
/// whole tiny function as well as a tiny island between CPU work. Eligibility is unchanged.</item>
/// <item>PART-ANE-GPU (<c>all</c> only): within a function, the first time a GPU op follows an ANE op the plan
/// stays on the GPU: every later op of that function that would run on the ANE runs on the GPU instead, so ANE→GPU
/// happens at most once per function. Ops sent to the CPU by their findings stay on the CPU (GPU↔CPU switches are
/// allowed). An ANE region between a GPU region and the GPU tail is noted (§4.8 item 5).</item>
/// <item>Segments: maximal runs of compute ops on one device within one function; each non-neural pipeline member
/// (classical, custom, Apple-provided or unreadable model) is its own CPU segment. Boundary tensors are values a
/// segment reads that a segment on another device produced; switches are device changes between consecutive
/// segments that run in sequence (functions of one model are alternatives, so their order does not count).</item>
/// </list>
/// </summary>
public static class Planner
{
    public static Plan Predict(Analysis analysis, ComputeUnits units)
    {
        var graph = analysis.Graph;
        var notes = new List<string>();

        // Work items in execution order: ops of neural members, and non-neural members as single items. Sized for
        // one item per op (the analysis holds one status per op) so the list does not grow through copies.
        var items = new List<WorkItem>(analysis.Statuses.Count + 1);
        foreach (var node in graph.Root.SelfAndDescendants())
        {
            if (IsOpaqueMember(node)) { items.Add(WorkItem.ForMember(node)); continue; }
            foreach (var f in node.Functions)
                foreach (var op in Walk(f.Body))
                    items.Add(WorkItem.ForOp(op, analysis, units));
        }

        var ops = new List<WorkItem>(items.Count);
        foreach (var i in items)
            if (i.Op is not null) ops.Add(i);
        var regions = new List<RegionEstimate>();
        PlacementSteps.ApplyCosts(ops, units, notes, regions);
        ApplyGpuTail(ops, units, notes);

        var segments = BuildSegments(items, graph);
        var switches = CountSwitches(segments, graph);
        var copyBytes = Saturating.Sum(segments.Select(s => s.CopyBytes));

        var planned = new PlannedOp[ops.Count];
        for (var n = 0; n < planned.Length; n++) planned[n] = new PlannedOp(ops[n]);
        var eligibility = ShareOf(planned, p => p.Eligible);
        var placement = ShareOf(planned, p => p.Device == Device.Ane);

        var members = items.Where(i => i.Member is not null).ToList();
        foreach (var m in members)
            notes.Add($"{MemberLabel(m.Member!)}: {m.Reason}");
        var workItems = eligibility.OfOps + members.Count;
        var status = CompatibilityStatusNames.FromCounts(workItems, placement.Ops);

        return new Plan(units, planned, segments, switches, switches * PlacementHeuristics.BoundaryCostMs, copyBytes,
            eligibility, placement, status, notes) { Regions = regions };
    }

    private static IEnumerable<Op> Walk(Block block)
    {
        foreach (var op in block.Ops)
        {
            yield return op;
            foreach (var b in op.Blocks)
                foreach (var inner in Walk(b))
                    yield return inner;
        }
    }

    /// <summary>A leaf member with no neural body: classical, custom, Apple-provided, linked, serialized or unreadable.</summary>
    private static bool IsOpaqueMember(ModelNode node) =>
        node.Family is not (ModelFamily.NeuralNetwork or ModelFamily.MlProgram or ModelFamily.Pipeline)
        && node.Children.Count == 0 && node.Functions.Count == 0;

    private static string MemberLabel(ModelNode node) => (node.Path.Length == 0 ? "model" : node.Path) + $" ({node.ModelType})";

    /// <summary>Maximal runs of consecutive compute ops within one function that <paramref name="member"/> selects; folded and host ops do not break a run.</summary>
    internal static IEnumerable<List<WorkItem>> Runs(List<WorkItem> ops, Func<WorkItem, bool> member)
    {
        var run = new List<WorkItem>();
        string? function = null;
        foreach (var i in ops)
        {
            if (i.Role != OpRole.Compute) continue;
            var take = member(i);
            // A new list only after one was handed out: most ops end no run (the GPU step takes almost none).
            if ((!take || i.Op!.Function != function) && run.Count > 0)
            {
                yield return run;
                run = new List<WorkItem>();
            }
            function = i.Op!.Function;
            if (take) run.Add(i);
        }
        if (run.Count > 0) yield return run;
    }

    private static void ApplyGpuTail(List<WorkItem> ops, ComputeUnits units, List<string> notes)
    {
        if (units != ComputeUnits.All) return;
        foreach (var fn in ops.Where(i => i.Role == OpRole.Compute).GroupBy(i => i.Op!.Function))
        {
            var seenAne = false;
            var seenGpuBeforeAne = false;
            var tailFrom = -1;
            foreach (var i in fn)
            {
                if (tailFrom >= 0)
                {
                    if (i.Device == Device.Ane)
                        i.Place(Device.Gpu, "PART-ANE-GPU: ANE-eligible, but the plan already went ANE→GPU in this function and stays on the GPU", "PART-ANE-GPU");
                    continue;
                }
                if (i.Device == Device.Ane) seenAne = true;
                else if (i.Device == Device.Gpu)
                {
                    if (seenAne) tailFrom = i.Op!.Index;
                    else seenGpuBeforeAne = true;
                }
            }
            if (tailFrom >= 0)
            {
                notes.Add($"PART-ANE-GPU: {fn.Key} goes ANE→GPU at op #{tailFrom} and stays on the GPU after it (Core ML avoids ANE↔GPU ping-pong).");
                if (seenGpuBeforeAne)
                    notes.Add($"PART-ANE-GPU: {fn.Key} has an ANE region sandwiched between GPU regions; Core ML may well run it on the GPU too.");
            }
        }
    }

    private static List<Segment> BuildSegments(List<WorkItem> items, ModelGraph graph)
    {
        var segments = new List<Segment>();
        // Producer of each value: by (function, name) (kept by the edges, with its type), and by bare name for values
        // passed between pipeline members. Sized up front: most ops make one value, and growing maps of a 100k-op
        // model churns the large-object heap.
        var producedAnywhere = new Dictionary<string, (int Segment, long? Bytes)>(items.Count, StringComparer.Ordinal);
        var edges = new SegmentEdges(items.Count);

        SegmentBuilder? current = null;
        foreach (var item in items)
        {
            if (item.Member is { } node)
            {
                Close();
                current = new SegmentBuilder(segments.Count, Device.Cpu, node.Path.Length == 0 ? "model" : node.Path, node.ModelType);
                foreach (var input in node.Interface.Inputs)
                {
                    var found = producedAnywhere.TryGetValue(input.Name, out var p) ? p : ((int, long?)?)null;
                    current.Read(input.Name, found, segments);
                    edges.Read(current.Index, input.Name, FeatureType(input), found?.Item1, null, declared: true);
                }
                Close();
                foreach (var output in node.Interface.Outputs)
                {
                    producedAnywhere[output.Name] = (segments.Count - 1, FeatureBytes(output));
                    edges.Produce(segments.Count - 1, null, output.Name, FeatureType(output));
                    edges.Output(segments.Count - 1, output.Name);
                }
                continue;
            }
            var op = item.Op!;
            if (item.Role == OpRole.Compute)
            {
                if (current is null || current.Device != item.Device || current.Function != op.Function)
                {
                    Close();
                    current = new SegmentBuilder(segments.Count, item.Device!.Value, op.Function, null);
                }
                current.Add(item);
            }
            foreach (var a in op.AllArguments)
            {
                if (a.Name is null || a.IsConstant) continue;
                var found = edges.TryGetProduced(op.Function, a.Name, out var p) ? p
                    : producedAnywhere.TryGetValue(a.Name, out var q) ? q : ((int, long?)?)null;
                if (item.Role == OpRole.Compute)
                {
                    current!.Read(a.Name, found, segments);
                    edges.Read(current.Index, a.Name, a.Type, found?.Item1, op.Function);
                }
                else if (found is { Item1: >= 0 } f) edges.Output(f.Item1, a.Name); // host-side work reads it
            }
            // Values produced by folded or host ops cost no device copy; they are not boundary tensors.
            var producer = item.Role == OpRole.Compute ? current!.Index : -1;
            foreach (var o in op.Outputs)
            {
                producedAnywhere[o.Name] = (producer, o.Type.ByteSize);
                edges.Produce(producer, op.Function, o.Name, o.Type);
            }
            // A nested block's parameters (loop-carried values) are made by the op that owns the block.
            foreach (var b in op.Blocks)
                foreach (var v in b.Inputs)
                    edges.Produce(producer, op.Function, v.Name, v.Type);
        }
        Close();

        // What a function returns leaves the segment that made it.
        foreach (var node in graph.Root.SelfAndDescendants())
            foreach (var f in node.Functions)
                foreach (var name in f.Outputs)
                    if (edges.TryGetProduced(node.FunctionPrefix + f.Name, name, out var p) && p.Segment >= 0)
                        edges.Output(p.Segment, name);

        return segments.Select(edges.Apply).ToList();

        void Close()
        {
            if (current is null) return;
            segments.Add(current.Build());
            current = null;
        }
    }

    private static Graph.ValueType FeatureType(FeatureInfo f) =>
        Graph.ValueType.Tensor(f.Element, f.Shape.Count == 0 ? TensorShape.Unknown : TensorShape.Of(f.Shape));

    /// <summary>
    /// The typed interface of every segment: what each reads from outside itself and what leaves it. Types come from
    /// the producer's declaration (an op output, a function or block input, a member's description) and fall back to
    /// the reading argument's type. It also answers which segment made a value of a function (one map for both: a
    /// value's producer and its type are written together).
    /// </summary>
    private sealed class SegmentEdges(int values)
    {
        // (function, name) → the segment that made the value (-1: folded or host work) and its declared type. A
        // member's outputs sit under a null function: only their type is read from here.
        private readonly ValuesByFunction<(int Segment, Graph.ValueType Type)> _inFunction = new(values);
        private readonly Dictionary<string, Graph.ValueType> _typeAnywhere = new(values, StringComparer.Ordinal);
        private readonly Dictionary<int, (List<SegmentTensor> List, HashSet<string> Seen)> _inputs = new();
        private readonly Dictionary<int, (List<string> List, HashSet<string> Seen)> _outputs = new();
        // Per segment (indices run 0, 1, … as segments open), the type of each value it made: ordinal maps, not a
        // (segment, name) tuple key, which hashed every name with the randomized string hash.
        private readonly List<Dictionary<string, Graph.ValueType>> _producedBy = new();

        public void Produce(int segment, string? function, string name, Graph.ValueType type)
        {
            _inFunction.Set(function, name, (segment, type));
            _typeAnywhere[name] = type;
            if (segment >= 0) ProducedIn(segment)[name] = type;
        }

        /// <param name="declared">The reader declares the type itself (a member's description): it wins.</param>
        public void Read(int segment, string name, Graph.ValueType argumentType, int? fromSegment, string? function, bool declared = false)
        {
            if (fromSegment == segment) return;
            if (fromSegment is >= 0 and var from) Output(from, name);
            var (list, seen) = Get(_inputs, segment);
            if (!seen.Add(name)) return;
            var type = declared ? argumentType
                : _inFunction.TryGetValue(function, name, out var t) ? t.Type
                : _typeAnywhere.TryGetValue(name, out var u) ? u : argumentType;
            if (type.Kind == ValueKind.Unknown && argumentType.Kind != ValueKind.Unknown) type = argumentType;
            list.Add(SegmentTensor.Of(name, type, fromSegment is >= 0 ? fromSegment : null));
        }

        /// <summary>The latest producer of <paramref name="name"/> in <paramref name="function"/> so far: its segment and size.</summary>
        public bool TryGetProduced(string function, string name, out (int Segment, long? Bytes) produced)
        {
            if (_inFunction.TryGetValue(function, name, out var p))
            {
                produced = (p.Segment, p.Type.ByteSize);
                return true;
            }
            produced = default;
            return false;
        }

        public void Output(int segment, string name)
        {
            var (list, seen) = Get(_outputs, segment);
            if (seen.Add(name)) list.Add(name);
        }

        public Segment Apply(Segment s) => s with
        {
            InputTensors = _inputs.TryGetValue(s.Index, out var i) ? i.List : Array.Empty<SegmentTensor>(),
            OutputTensors = _outputs.TryGetValue(s.Index, out var o)
                ? o.List.Select(n => SegmentTensor.Of(n, s.Index < _producedBy.Count && _producedBy[s.Index].TryGetValue(n, out var t) ? t : Graph.ValueType.Unknown)).ToList()
                : Array.Empty<SegmentTensor>(),
        };

        // The first segment's map gets the expected size (most models are one segment); later ones grow as they fill.
        private Dictionary<string, Graph.ValueType> ProducedIn(int segment)
        {
            while (_producedBy.Count <= segment)
                _producedBy.Add(new Dictionary<string, Graph.ValueType>(_producedBy.Count == 0 ? values : 0, StringComparer.Ordinal));
            return _producedBy[segment];
        }

        private static (List<T>, HashSet<string>) Get<T>(Dictionary<int, (List<T>, HashSet<string>)> map, int segment)
        {
            if (!map.TryGetValue(segment, out var entry)) map[segment] = entry = (new List<T>(), new HashSet<string>(StringComparer.Ordinal));
            return entry;
        }
    }

    private static long? FeatureBytes(FeatureInfo f)
    {
        if (f.Shape.Count == 0) return null;
        return Graph.ValueType.Tensor(f.Element, TensorShape.Of(f.Shape)).ByteSize;
    }

    /// <summary>Device changes between consecutive segments, except between alternative functions of one model.</summary>
    private static int CountSwitches(List<Segment> segments, ModelGraph graph)
    {
        var switches = 0;
        for (var i = 1; i < segments.Count; i++)
        {
            var a = segments[i - 1];
            var b = segments[i];
            if (a.Device == b.Device) continue;
            if (a.Function != b.Function && Owner(a.Function) == Owner(b.Function) && a.Member is null && b.Member is null) continue;
            switches++;
        }
        return switches;

        static string Owner(string function)
        {
            var slash = function.LastIndexOf('/');
            return slash < 0 ? "" : function[..slash];
        }
    }

    /// <summary>The share of compute ops (and their FLOPs) that <paramref name="selected"/> picks.</summary>
    private static Share ShareOf(PlannedOp[] planned, Func<PlannedOp, bool> selected)
    {
        int ops = 0, of = 0;
        long flops = 0, ofFlops = 0;
        foreach (var p in planned)
        {
            if (p.Role != OpRole.Compute) continue;
            of++;
            var take = selected(p);
            if (take) ops++;
            if (p.Cost.Flops is long f)
            {
                ofFlops = Saturating.Add(ofFlops, f);
                if (take) flops = Saturating.Add(flops, f);
            }
        }
        return new Share(ops, of, flops, ofFlops);
    }

    public static string FormatFlops(long flops) => flops switch
    {
        >= 1_000_000_000 => $"{flops / 1e9:0.##} GFLOP",
        >= 1_000_000 => $"{flops / 1e6:0.##} MFLOP",
        >= 1_000 => $"{flops / 1e3:0.##} kFLOP",
        _ => $"{flops} FLOP",
    };

    /// <summary>Mutable placement state of one work item while the plan is made.</summary>
    internal sealed class WorkItem
    {
        public Op? Op { get; private init; }
        public ModelNode? Member { get; private init; }
        public OpRole Role { get; private init; }
        public bool Eligible { get; private init; }
        public Device? Device { get; private set; }
        public string Reason { get; private set; } = "";
        public string? ReasonRule { get; private set; }
        public int? Segment { get; set; }
        public OpCost Cost { get; private init; } = NoCost;
        public IReadOnlyList<Finding> Findings { get; private init; } = Array.Empty<Finding>();
        /// <summary>The ANE-blocking finding behind an ineligible compute op (its own, or the model-level one).</summary>
        public Finding? Blocker { get; private init; }
        /// <summary>The cost balance of the region the op belongs to, when the cost model judged one.</summary>
        public RegionEstimate? Region { get; set; }

        // A member has no op to cost; one shared instance (an op's item replaces it with the op's own).
        private static readonly OpCost NoCost = new(null, 0, null);

        public void Place(Device device, string reason, string? rule)
        {
            Device = device;
            Reason = reason;
            ReasonRule = rule;
        }

        public static WorkItem ForMember(ModelNode node)
        {
            var (reason, rule) = node.Family switch
            {
                ModelFamily.Classical => ("classical model: CPU by design, no ANE code path is known", "MODEL-NONNN"),
                ModelFamily.CustomModel => ("custom model: only CPU/GPU implementations exist", "MODEL-CUSTOM"),
                ModelFamily.AppleProvided => ("Apple-provided model: its placement is not public; predicted CPU", "MODEL-FEATUREPRINT"),
                _ => ("no neural body is visible: placement unknown; predicted CPU", (string?)null),
            };
            var item = new WorkItem { Member = node, Role = OpRole.Compute };
            item.Place(Planning.Device.Cpu, reason, rule);
            return item;
        }

        /// <summary>Role and eligibility come from the analysis (the one owner of "is this op blocked"); the planner only places.</summary>
        public static WorkItem ForOp(Op op, Analysis analysis, ComputeUnits units)
        {
            // The analysis's own array, shared: nothing changes an op's findings once they are judged.
            IReadOnlyList<Finding> findings = analysis.FindingsOf(op.Index);
            var role = analysis.IsFolded(op) ? OpRole.Folded : analysis.IsHost(op) ? OpRole.Host : OpRole.Compute;
            // Folded and host ops are never blocked (BlockerOf says null for them): asked only for compute ops.
            var blocker = role == OpRole.Compute ? analysis.BlockerOf(op) : null;
            var item = new WorkItem
            {
                Op = op,
                Role = role,
                Eligible = role == OpRole.Compute && blocker is null,
                Cost = CostModel.Estimate(op),
                Findings = findings,
                Blocker = role == OpRole.Compute ? blocker : null,
            };
            switch (role)
            {
                case OpRole.Folded:
                    item.Reason = "folded at conversion or load: placement-neutral";
                    break;
                case OpRole.Host:
                    item.Place(Planning.Device.Cpu, "host-side work (runs on the CPU outside the network)", analysis.HostRule(op));
                    break;
                default:
                    item.PlaceCompute(blocker, findings.Any(f => f.Effect == Effect.OpToGpu), units);
                    break;
            }
            return item;
        }

        /// <summary>
        /// Every finding that keeps this op off the ANE is a precision rule that bars only the ANE (fp32 work): the GPU
        /// runs it (<see cref="PlacementCostModel.GpuCapableBlockers"/>): a GPU candidate under cpu-and-gpu and under all.
        /// </summary>
        public bool OnlyPrecisionBlocksAne =>
            Blocker is not null && Findings.Where(f => f.BlocksAne).All(f => PlacementCostModel.GpuCapableBlockers.Contains(f.RuleId))
            && PlacementCostModel.GpuCapableBlockers.Contains(Blocker.RuleId);

        private void PlaceCompute(Finding? blocker, bool wantsGpu, ComputeUnits units)
        {
            var why = blocker is null ? null
                : blocker.OpIndex is null ? $"blocked model-wide by {blocker.RuleId} ({blocker.Effect.Label()})"
                : $"blocked by {blocker.RuleId} ({blocker.Effect.Label()})";
            switch (units)
            {
                case ComputeUnits.CpuOnly:
                    Place(Planning.Device.Cpu, "compute units cpu-only", "CU-CONFIG");
                    break;
                case ComputeUnits.CpuAndGpu:
                    if (Eligible || wantsGpu || OnlyPrecisionBlocksAne)
                        Place(Planning.Device.Gpu, "compute units cpu-and-gpu: no ANE; the GPU takes the network", "CU-CONFIG");
                    else Place(Planning.Device.Cpu, $"compute units cpu-and-gpu; {why}", blocker!.RuleId);
                    break;
                default:
                    if (Eligible) Place(Planning.Device.Ane, "ANE-eligible", null);
                    else if (wantsGpu && units == ComputeUnits.All) Place(Planning.Device.Gpu, why!, blocker!.RuleId);
                    else Place(Planning.Device.Cpu, why!, blocker!.RuleId);
                    break;
            }
        }
    }

    private sealed class SegmentBuilder(int index, Device device, string function, string? member)
    {
        private readonly List<BoundaryTensor> _inputs = new();
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
        private int? _first, _last;
        private int _count;
        private long _flops;
        private bool _flopsKnown = true;

        public int Index => index;
        public Device Device => device;
        public string Function => function;

        public void Add(WorkItem item)
        {
            _first ??= item.Op!.Index;
            _last = item.Op!.Index;
            _count++;
            item.Segment = index;
            if (item.Cost.Flops is long f) _flops = Saturating.Add(_flops, f);
            else _flopsKnown = false;
        }

        /// <summary>Records a value this segment reads; it is a boundary tensor when a segment on another device made it.</summary>
        public void Read(string name, (int Segment, long? Bytes)? producer, List<Segment> closed)
        {
            if (producer is not { } p || p.Segment < 0 || p.Segment == index || p.Segment >= closed.Count) return;
            if (closed[p.Segment].Device == device || !_seen.Add(name)) return;
            _inputs.Add(new BoundaryTensor(name, p.Segment, p.Bytes));
        }

        public Segment Build() => new(index, device, function, _first, _last, _count,
            member is null && _flopsKnown ? _flops : null, member, _inputs, Saturating.Sum(_inputs.Select(t => t.Bytes ?? 0)));
    }
}
