using AneCompat.Graph;
using AneCompat.Registry;
using ValueType = AneCompat.Graph.ValueType;

namespace AneCompat.Decoders.MilProgram;

/// <summary>
/// The pass both ML program decoders run once a function is built: every argument that names a value learns that
/// value's type, arguments naming a <c>const</c> output get the constant itself (and those naming a
/// <c>constexpr_*</c> output a value-less constant of its type, since they too are fixed at compile time), weight
/// bytes are counted, and <see cref="MilOpNormalizer"/> fills the common attributes from the resolved arguments.
/// </summary>
public static class MilDataflow
{
    /// <summary>What is known about a named value in scope.</summary>
    internal sealed record Producer(ValueType Type, ConstantValue? Constant, Op? Op);

    private sealed class Scope
    {
        private readonly Scope? _parent;
        private readonly Dictionary<string, Producer> _values = new(StringComparer.Ordinal);
        public Scope(Scope? parent) => _parent = parent;
        public void Add(string name, Producer p) => _values[name] = p;
        public Producer? Find(string name)
        {
            for (var s = this; s is not null; s = s._parent)
                if (s._values.TryGetValue(name, out var p)) return p;
            return null;
        }
    }

    public static void Resolve(GraphFunction function)
    {
        var scope = new Scope(null);
        foreach (var input in function.Inputs) scope.Add(input.Name, new Producer(input.Type, null, null));
        Resolve(function.Body, scope);
    }

    // Nesting is bounded by the decoders (MaxProtobufDepth / MaxMilNesting), so recursion here is bounded too.
    private static void Resolve(Block block, Scope scope)
    {
        foreach (var input in block.Inputs) scope.Add(input.Name, new Producer(input.Type, null, null));
        Func<string, Op?> producerOf = name => scope.Find(name)?.Op;
        foreach (var op in block.Ops)
        {
            foreach (var arg in op.AllArguments)
            {
                if (arg.Name is null) continue;
                var producer = scope.Find(arg.Name);
                if (producer is null) continue;
                arg.Type = producer.Type;
                if (producer.Constant is not null) arg.Constant = producer.Constant;
            }
            if (IsConstant(op)) op.WeightBytes = InlinePayload(op);
            MilOpNormalizer.Apply(op, producerOf);
            foreach (var b in op.Blocks) Resolve(b, new Scope(scope));
            var value = op.Is(OpKinds.Const) ? op.Arg("val")?.Constant : null;
            foreach (var output in op.Outputs)
            {
                var constant = value is not null ? WithType(value, output.Type)
                    : IsConstant(op) ? new ConstantValue { Type = output.Type } : null;
                scope.Add(output.Name, new Producer(output.Type, constant, op));
            }
        }
    }

    /// <summary><c>const</c> and the compile-time decompression ops (<c>constexpr_*</c>).</summary>
    public static bool IsConstant(Op op) => OpKinds.IsConstant(op);

    // Only the op's own inline values count: an iOS18 constexpr names const ops whose bytes those ops already count.
    private static long InlinePayload(Op op) =>
        Diagnostics.Saturating.Sum(op.AllArguments.Where(a => a.Name is null && a.Constant is not null).Select(a => a.Constant!.PayloadBytes));

    // The declared output type is authoritative; a literal's own type may be vaguer (bare lists, missing ranks).
    private static ConstantValue WithType(ConstantValue v, ValueType declared) =>
        declared.Kind == ValueKind.Unknown || v.Type == declared ? v : new ConstantValue
        {
            Type = declared, Ints = v.Ints, Floats = v.Floats, Bools = v.Bools, Strings = v.Strings, Blob = v.Blob,
            PayloadBytes = v.PayloadBytes,
        };
}
