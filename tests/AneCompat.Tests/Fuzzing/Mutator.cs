using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace AneCompat.Tests.Fuzzing;

/// <summary>A mutant: which file of which seed is replaced by what, and how it was made.</summary>
public sealed record FuzzCase(long Number, FuzzTarget Target, byte[] Bytes, string Description);

/// <summary>
/// Turns a case number into a mutant, deterministically: the case number seeds the generator, which picks the target
/// file and one to three stacked mutations (bit flips, byte overwrites, truncation, inflated length fields, deleted
/// or duplicated chunks, splices with another corpus file, inserted tokens, replaced numbers).
/// </summary>
public static partial class Mutator
{
    public enum Kind { BitFlip, ByteOverwrite, Truncate, InflateLength, DeleteChunk, DuplicateChunk, Splice, InsertToken, ReplaceNumber }

    /// <summary>Mutants never grow past this, so the fuzzer's own memory stays small.</summary>
    private const int MaxMutantGrowth = 1 << 20;

    public static FuzzCase Make(long caseNumber, ulong runSeed, IReadOnlyList<FuzzTarget> targets)
    {
        var rng = new Random(unchecked((int)Mix(runSeed ^ (ulong)caseNumber)));
        var target = targets[rng.Next(targets.Count)];
        var bytes = target.Original;
        var steps = rng.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        var described = new List<string>();
        for (var i = 0; i < steps; i++)
        {
            var kind = PickKind(rng, target.Format);
            (bytes, var what) = Apply(kind, rng, bytes, target, targets);
            described.Add(what);
        }
        return new FuzzCase(caseNumber, target, bytes, $"case {caseNumber}: {target.Describe} ({target.Format}): {string.Join("; ", described)}");
    }

    /// <summary>SplitMix64 finaliser: neighbouring case numbers give unrelated generators.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    private static bool IsText(FuzzFormat f) => f is FuzzFormat.ManifestJson or FuzzFormat.MilText or FuzzFormat.EspressoJson or FuzzFormat.MetadataJson;

    private static Kind PickKind(Random rng, FuzzFormat format)
    {
        // Weighted per format: structure-aware mutations where the format has structure to aim at.
        var table = format switch
        {
            FuzzFormat.ProtobufModel or FuzzFormat.CoreMLData => new[] { Kind.BitFlip, Kind.BitFlip, Kind.ByteOverwrite, Kind.Truncate, Kind.InflateLength, Kind.InflateLength, Kind.InflateLength, Kind.DeleteChunk, Kind.DuplicateChunk, Kind.Splice, Kind.InsertToken },
            FuzzFormat.WeightBin or FuzzFormat.EspressoWeights => new[] { Kind.BitFlip, Kind.ByteOverwrite, Kind.ByteOverwrite, Kind.Truncate, Kind.InflateLength, Kind.InflateLength, Kind.InflateLength, Kind.DeleteChunk, Kind.DuplicateChunk, Kind.Splice },
            _ when IsText(format) => new[] { Kind.BitFlip, Kind.ByteOverwrite, Kind.Truncate, Kind.DeleteChunk, Kind.DuplicateChunk, Kind.Splice, Kind.InsertToken, Kind.InsertToken, Kind.InsertToken, Kind.ReplaceNumber, Kind.ReplaceNumber },
            _ => new[] { Kind.BitFlip, Kind.ByteOverwrite, Kind.Truncate, Kind.DeleteChunk, Kind.DuplicateChunk, Kind.Splice },
        };
        return table[rng.Next(table.Length)];
    }

    private static (byte[], string) Apply(Kind kind, Random rng, byte[] b, FuzzTarget target, IReadOnlyList<FuzzTarget> all)
    {
        if (b.Length == 0) kind = Kind.InsertToken;
        switch (kind)
        {
            case Kind.BitFlip:
            {
                var copy = (byte[])b.Clone();
                var n = 1 + rng.Next(8);
                var at = new List<int>();
                for (var i = 0; i < n; i++)
                {
                    var p = Position(rng, copy, target);
                    copy[p] ^= (byte)(1 << rng.Next(8));
                    at.Add(p);
                }
                return (copy, $"flip bits at {string.Join(",", at)}");
            }
            case Kind.ByteOverwrite:
            {
                var copy = (byte[])b.Clone();
                var p = Position(rng, copy, target);
                var n = Math.Min(1 + rng.Next(8), copy.Length - p);
                ReadOnlySpan<byte> interesting = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0x0A, 0x12, 0xEF, 0xBE, 0xAD, 0xDE];
                for (var i = 0; i < n; i++)
                    copy[p + i] = rng.Next(2) == 0 ? interesting[rng.Next(interesting.Length)] : (byte)rng.Next(256);
                return (copy, $"overwrite {n} bytes at {p}");
            }
            case Kind.Truncate:
            {
                var n = rng.Next(4) == 0 ? Position(rng, b, target) : rng.Next(b.Length);
                return (b[..n], $"truncate to {n} bytes");
            }
            case Kind.InflateLength:
                return Inflate(rng, b, target);
            case Kind.DeleteChunk:
            {
                var p = Position(rng, b, target);
                var n = Math.Min(ChunkLength(rng), b.Length - p);
                return ([.. b.AsSpan(0, p), .. b.AsSpan(p + n)], $"delete {n} bytes at {p}");
            }
            case Kind.DuplicateChunk:
            {
                var p = Position(rng, b, target);
                var n = Math.Min(ChunkLength(rng), b.Length - p);
                var insertAt = rng.Next(2) == 0 ? p + n : Position(rng, b, target);
                return ([.. b.AsSpan(0, insertAt), .. b.AsSpan(p, n), .. b.AsSpan(insertAt)], $"duplicate {n} bytes from {p} at {insertAt}");
            }
            case Kind.Splice:
            {
                var sameFormat = all.Where(t => t.Format == target.Format && t != target).ToList();
                var donor = sameFormat.Count > 0 && rng.Next(4) != 0 ? sameFormat[rng.Next(sameFormat.Count)] : all[rng.Next(all.Count)];
                var cut = Position(rng, b, target);
                var from = donor.Original.Length == 0 ? 0 : rng.Next(donor.Original.Length);
                var take = Math.Min(donor.Original.Length - from, MaxMutantGrowth);
                return ([.. b.AsSpan(0, cut), .. donor.Original.AsSpan(from, take)], $"splice at {cut} with {donor.Describe} from {from}");
            }
            case Kind.InsertToken:
            {
                var token = Token(rng, target.Format);
                var p = b.Length == 0 ? 0 : Position(rng, b, target);
                var replace = rng.Next(3) == 0 ? Math.Min(token.Length, b.Length - p) : 0;
                return ([.. b.AsSpan(0, p), .. token, .. b.AsSpan(p + replace)], $"{(replace > 0 ? "overwrite" : "insert")} token of {token.Length} bytes at {p}");
            }
            case Kind.ReplaceNumber:
            {
                var text = Encoding.Latin1.GetString(b);
                var numbers = Number().Matches(text);
                if (numbers.Count == 0) return Apply(Kind.InsertToken, rng, b, target, all);
                var m = numbers[rng.Next(numbers.Count)];
                string[] values = ["0", "-1", "2147483648", "4294967296", "18446744073709551616", "99999999999999999999999999", "-9223372036854775809", "1e308", "1e-400", "NaN", "0.0000001", "65535"];
                var v = values[rng.Next(values.Length)];
                return (Encoding.Latin1.GetBytes(text[..m.Index] + v + text[(m.Index + m.Length)..]), $"number at {m.Index} -> {v}");
            }
        }
        throw new ArgumentOutOfRangeException(nameof(kind));
    }

    /// <summary>Grows (or zeroes) one length field: protobuf varints are re-encoded, fixed-width ones written in place.</summary>
    private static (byte[], string) Inflate(Random rng, byte[] b, FuzzTarget target)
    {
        var candidates = target.Lengths.Where(l => l.Offset + l.Width <= b.Length).ToList();
        if (candidates.Count == 0) return Apply(Kind.ByteOverwrite, rng, b, target, []);
        var field = candidates[rng.Next(candidates.Count)];
        ulong[] choices =
        [
            field.Value + 1, field.Value + 8, field.Value * 2 + 1, (ulong)b.Length, (ulong)b.Length + 1,
            0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1UL << 32, 1UL << 62, ulong.MaxValue, 0,
        ];
        var value = choices[rng.Next(choices.Length)];
        byte[] encoded = field.Encoding switch
        {
            LengthEncoding.Varint => WireScan.EncodeVarint(value),
            LengthEncoding.UInt64LE => BitConverter.GetBytes(value),
            _ => BitConverter.GetBytes((uint)value),
        };
        if (field.Encoding != LengthEncoding.Varint && !BitConverter.IsLittleEndian) Array.Reverse(encoded);
        return ([.. b.AsSpan(0, field.Offset), .. encoded, .. b.AsSpan(field.Offset + field.Width)],
            $"{field.Encoding} length at {field.Offset} {field.Value} -> {value}");
    }

    private static int Position(Random rng, byte[] b, FuzzTarget target)
    {
        if (b.Length == 0) return 0;
        var region = target.Regions[rng.Next(target.Regions.Count)];
        var start = Math.Min(region.Start, b.Length - 1);
        var length = Math.Max(1, Math.Min(region.Length, b.Length - start));
        return start + rng.Next(length);
    }

    private static int ChunkLength(Random rng) => 1 + rng.Next(1 << rng.Next(13));

    private static byte[] Token(Random rng, FuzzFormat format)
    {
        string[] json =
        [
            "{", "}", "[", "]", "\"", ",", ":", "null", "[]", "{}", "-1", "1e999", "\"\\u0000\"", "\"\\ud800\"",
            "\"path\":\"../../../etc/passwd\"", "\"path\":\"/etc/passwd\"", "\"rootModelIdentifier\":\"x\"", "\"itemInfoEntries\":{}",
            "\"layers\":[{}]", "\"layer_shapes\":{\"x\":{\"n\":-1,\"k\":18446744073709551616}}", "\"specificationVersion\":99999999999",
            "\"shape\":\"[1, 18446744073709551616]\"", "\"mlProgramOperationTypeHistogram\":{\"Ios17.conv\":-5}",
            new string('[', 5000), new string('{', 200) + "\"a\":1",
        ];
        string[] mil =
        [
            "{", "}", "(", ")", "[", "]", "<", ">", ",", "=", "\"", "\n", ";", "->", "tensor<fp16, [", "tensor<fp32, [18446744073709551615, 2]>",
            "func main<ios18>(", "} -> (", "[name = string(\"x\")]", "dict<tensor<string, []>, tensor<string, []>>({{",
            "BLOBFILE(path = string(\"@model_path/../../../etc/passwd\"), offset = uint64(64))",
            "BLOBFILE(path = string(\"/etc/passwd\"), offset = uint64(18446744073709551615))",
            "BLOBFILE(path = string(\"@model_path/weights/weight.bin\"), offset = uint64(99999999999))",
            new string('(', 5000), new string('[', 5000), new string('{', 5000), string.Concat(Enumerable.Repeat("tensor<", 2000)),
        ];
        if (format is FuzzFormat.ManifestJson or FuzzFormat.EspressoJson or FuzzFormat.MetadataJson)
            return Encoding.UTF8.GetBytes(json[rng.Next(json.Length)]);
        if (format == FuzzFormat.MilText)
            return Encoding.UTF8.GetBytes(mil[rng.Next(mil.Length)]);
        // Binary formats: a few random bytes, or a protobuf field header claiming a huge length.
        if (rng.Next(2) == 0) return [(byte)(rng.Next(1, 64) << 3 | 2), 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        var random = new byte[1 + rng.Next(16)];
        rng.NextBytes(random);
        return random;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();
}
