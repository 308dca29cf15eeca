using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AneCompat.Schema;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;

namespace AneCompat.Tests.Fuzzing;

/// <summary>
/// Schema-aware mutations: the seed is parsed (protobuf models through the reader's weight-eliding walk, so payloads
/// are never held; model.mil as text) and its fields set to values a file can hold but a model should not —
/// dimensions, kernels, strides, axes and enums at 0, −1, 2^31, 2^62, 2^64−1, NaN, ±∞ — and messages duplicated,
/// removed or renamed so names collide. Every mutant is still well-formed protobuf (or MIL text), so it goes past the
/// reader's byte checks into the decoders, the rules, the planner and the writers.
/// </summary>
public static class SemanticMutator
{
    private static readonly long[] ExtremeLongs =
    {
        0, -1, 1, 2, 3, -2, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, uint.MaxValue, 1L << 31, 1L << 32,
        1L << 53, 1L << 62, long.MaxValue, long.MinValue, -(1L << 62), 4611686018427387903,
    };

    private static readonly double[] ExtremeDoubles =
    {
        double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, 1e308, -1e308, double.Epsilon, 1e-45,
        float.MaxValue, -1, 65504, 1e30, 4.611686018427388E+18,
    };

    private static readonly string[] OddNames = { "", "x", "\n0 fully-compatible", "\u001b[2J", "a\u202Eb", "..", "@model_path/../x" };

    /// <summary>A seed's structure to mutate: a protobuf model or a model.mil text.</summary>
    public abstract record Seed(string Name);
    public sealed record ProtoSeed(string Name, Model Model) : Seed(Name);
    public sealed record MilSeed(string Name, string Text) : Seed(Name);

    /// <summary>Mutates a copy of <paramref name="seed"/>; returns the bytes of the mutant and what was done.</summary>
    public static (byte[] Bytes, string Description) Mutate(Seed seed, Random rng)
    {
        var steps = new List<string>();
        var count = 1 + rng.Next(4);
        switch (seed)
        {
            case ProtoSeed p:
            {
                var model = p.Model.Clone();
                var fields = new List<(IMessage Message, FieldDescriptor Field)>();
                Collect(model, fields, 0);
                for (var i = 0; i < count && fields.Count > 0; i++)
                {
                    var (m, f) = fields[rng.Next(fields.Count)];
                    steps.Add(MutateField(m, f, rng));
                }
                return (model.ToByteArray(), string.Join("; ", steps));
            }
            case MilSeed m:
            {
                var text = m.Text;
                for (var i = 0; i < count; i++)
                {
                    var (next, step) = MutateMil(text, rng);
                    text = next;
                    steps.Add(step);
                }
                return (Encoding.UTF8.GetBytes(text), string.Join("; ", steps));
            }
            default:
                throw new ArgumentException(seed.GetType().Name);
        }
    }

    /// <summary>Every (message, field) pair in the tree, fields of every kind except raw payload bytes.</summary>
    private static void Collect(IMessage message, List<(IMessage, FieldDescriptor)> into, int depth)
    {
        if (depth > 60) return;
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.FieldType == FieldType.Bytes || field.IsMap) continue;
            var isMessage = field.FieldType is FieldType.Message or FieldType.Group;
            // Unset oneof cases and absent sub-messages are left out, so mutations land on what the model uses.
            if (!field.IsRepeated && (field.ContainingOneof is not null || isMessage) && !field.Accessor.HasValue(message)) continue;
            into.Add((message, field));
            if (!isMessage) continue;
            var value = field.Accessor.GetValue(message);
            if (field.IsRepeated)
            {
                foreach (var item in (System.Collections.IList)value)
                    if (item is IMessage child) Collect(child, into, depth + 1);
            }
            else if (value is IMessage child)
            {
                Collect(child, into, depth + 1);
            }
        }
    }

    private static string MutateField(IMessage m, FieldDescriptor f, Random rng)
    {
        var where = $"{m.Descriptor.Name}.{f.Name}";
        if (f.IsRepeated)
        {
            var list = (System.Collections.IList)f.Accessor.GetValue(m);
            if (f.FieldType is FieldType.Message or FieldType.Group)
            {
                if (list.Count == 0) return where + ": empty list left";
                var i = rng.Next(list.Count);
                switch (rng.Next(4))
                {
                    case 0: list.Add(Copy((IMessage)list[i]!)); return $"{where}[{i}] duplicated";
                    case 1: list.RemoveAt(i); return $"{where}[{i}] removed";
                    case 2:
                        var j = rng.Next(list.Count);
                        (list[i], list[j]) = (list[j], list[i]);
                        return $"{where}[{i}]<->[{j}]";
                    default:
                        for (var k = 0; k < 3; k++) list.Add(Copy((IMessage)list[i]!));
                        return $"{where}[{i}] tripled";
                }
            }
            switch (rng.Next(3))
            {
                case 0 when list.Count > 0:
                {
                    var i = rng.Next(list.Count);
                    var v = Value(f, rng, list[i]);
                    list[i] = v;
                    return $"{where}[{i}] = {Show(v)}";
                }
                case 1:
                    list.Clear();
                    return $"{where} cleared";
                default:
                {
                    var v = Value(f, rng, null);
                    list.Add(v);
                    return $"{where} += {Show(v)}";
                }
            }
        }
        if (f.FieldType is FieldType.Message or FieldType.Group)
        {
            // A sub-message dropped: a layer without its parameters, a type without its shape.
            f.Accessor.Clear(m);
            return $"{where} cleared";
        }
        var value = Value(f, rng, f.Accessor.GetValue(m));
        f.Accessor.SetValue(m, value);
        return $"{where} = {Show(value)}";
    }

    private static IMessage Copy(IMessage m) => m.Descriptor.Parser.ParseFrom(m.ToByteString());

    private static object Value(FieldDescriptor f, Random rng, object? current)
    {
        long L() => ExtremeLongs[rng.Next(ExtremeLongs.Length)];
        double D() => ExtremeDoubles[rng.Next(ExtremeDoubles.Length)];
        return f.FieldType switch
        {
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => L(),
            FieldType.UInt64 or FieldType.Fixed64 => rng.Next(3) == 0 ? ulong.MaxValue : unchecked((ulong)L()),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => unchecked((int)L()),
            FieldType.UInt32 or FieldType.Fixed32 => unchecked((uint)L()),
            FieldType.Double => D(),
            FieldType.Float => (float)D(),
            FieldType.Bool => current is bool b ? !b : rng.Next(2) == 0,
            FieldType.Enum => rng.Next(3) == 0 ? unchecked((int)L()) : EnumValue(f, rng),
            FieldType.String => RenameOrOdd(current as string, rng),
            _ => current ?? 0,
        };
    }

    private static object EnumValue(FieldDescriptor f, Random rng)
    {
        var values = f.EnumType.Values;
        return values[rng.Next(values.Count)].Number;
    }

    private static string RenameOrOdd(string? current, Random rng) => rng.Next(3) switch
    {
        0 => OddNames[rng.Next(OddNames.Length)],
        1 => current is null ? "x" : current + current,
        _ => "x", // many names made equal: duplicate outputs, cycles, self-references
    };

    private static string Show(object? v) => v switch
    {
        string s => "\"" + (s.Length > 20 ? s[..20] + "…" : s).Replace("\n", "\\n").Replace("\u001b", "\\e") + "\"",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null",
    };

    private static readonly Regex Integer = new(@"(?<![\w.])-?\d+(?![\w.])", RegexOptions.Compiled);
    private static readonly Regex Float = new(@"-?\d+\.\d+(e[+-]?\d+)?", RegexOptions.Compiled);
    private static readonly Regex Identifier = new(@"\b(var_\w+|op_\w+|x|y|input\w*|[a-z]\w*_\d+)\b", RegexOptions.Compiled);

    private static (string, string) MutateMil(string text, Random rng)
    {
        switch (rng.Next(5))
        {
            case 0:
            case 1:
            {
                var matches = Integer.Matches(text);
                if (matches.Count == 0) goto default;
                var m = matches[rng.Next(matches.Count)];
                var v = rng.Next(4) == 0 ? "18446744073709551615" : ExtremeLongs[rng.Next(ExtremeLongs.Length)].ToString(CultureInfo.InvariantCulture);
                return (text[..m.Index] + v + text[(m.Index + m.Length)..], $"int at {m.Index} '{m.Value}' -> {v}");
            }
            case 2:
            {
                var matches = Float.Matches(text);
                if (matches.Count == 0) goto default;
                var m = matches[rng.Next(matches.Count)];
                var v = rng.Next(3) switch { 0 => "nan", 1 => "inf", _ => "-inf" };
                return (text[..m.Index] + v + text[(m.Index + m.Length)..], $"float at {m.Index} -> {v}");
            }
            case 3:
            {
                // Duplicate an op line (same output name twice) or delete one (a dangling reference).
                var lines = text.Split('\n').ToList();
                var ops = Enumerable.Range(0, lines.Count).Where(i => lines[i].Contains(" = ") && lines[i].TrimEnd().EndsWith("];")).ToList();
                if (ops.Count == 0) goto default;
                var i = ops[rng.Next(ops.Count)];
                if (rng.Next(2) == 0) { lines.Insert(i, lines[i]); return (string.Join('\n', lines), $"op line {i} duplicated"); }
                lines.RemoveAt(i);
                return (string.Join('\n', lines), $"op line {i} removed");
            }
            default:
            {
                var matches = Identifier.Matches(text);
                if (matches.Count < 2) return (text, "no change");
                var a = matches[rng.Next(matches.Count)];
                var b = matches[rng.Next(matches.Count)];
                return (text[..a.Index] + b.Value + text[(a.Index + a.Length)..], $"name at {a.Index} '{a.Value}' -> '{b.Value}'");
            }
        }
    }
}
