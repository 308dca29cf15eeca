using System.CommandLine;
using System.Globalization;
using AneCompat.Diagnostics;
using AneCompat.Reporting;
using AneCompat.Surgery;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat fix IN -o OUT [--rule ID …] [--dry-run] [--allow-approximate] [--expand-dilated] [--shape NAME=AxBxC[,…]] [--mask-value V]</c>:
/// applies the rewrites of surgery.md §5 that cure findings, each proven by the reference evaluator, into a new
/// file; never in place. Exit 0 when written (or nothing to fix), 3 unreadable input, 5 refused or bad arguments.
/// </summary>
public static class FixCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "The .mlmodel file or .mlpackage to fix (never modified)." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the fixed model (a new path; never the input)." };
        var rules = new Option<string[]>("--rule") { Description = "Apply only these fixes, by surgery id (S1 …) or rule id (NN-BROADCASTABLE-ND …). Repeatable.", AllowMultipleArgumentsPerToken = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (and run the checks) without writing anything." };
        var approximate = new Option<bool>("--allow-approximate") { Description = "Also apply approximate rewrites (each one warned about)." };
        var expandDilated = new Option<bool>("--expand-dilated") { Description = "S7: replace dilated convolutions by dense ones with a larger, zero-inserted kernel (exact, more MACs)." };
        var shapes = new Option<string[]>("--shape") { Description = "S12: NAME=1x3x224x224[,1x3x256x256…] — fixed (one) or enumerated (several; the first is the default) shapes for a range input. Repeatable." };
        var maskValue = new Option<float>("--mask-value", "--mask-fill") { Description = "S11: the finite value that replaces −inf / huge mask constants before a softmax (approximate). Default: -1e4 (ml-ane-transformers); Core AI uses -4e4.", DefaultValueFactory = _ => -1e4f };
        var cmd = new Command("fix", "Rewrite the model so more of it runs on the Neural Engine: each rewrite cures a finding, is proven equivalent on random inputs, and is written to a new file.")
        {
            input, output, rules, dryRun, approximate, expandDilated, shapes, maskValue,
        };
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            FixOptions options;
            try
            {
                options = new FixOptions
                {
                    Only = parse.GetValue(rules) ?? [],
                    AllowApproximate = parse.GetValue(approximate),
                    ExpandDilated = parse.GetValue(expandDilated),
                    Shapes = ParseShapes(parse.GetValue(shapes) ?? []),
                    MaskFill = parse.GetValue(maskValue),
                };
                if (Surgery.Fixes.MaskConstantFix.InvalidMaskValue(options.MaskFill) is { } bad) throw new FormatException(bad);
            }
            catch (FormatException e)
            {
                stderr.WriteLine($"anecompat: fix: {e.Message}");
                return ExitCodes.InputError;
            }
            var known = FixPlanner.All.SelectMany(f => new[] { f.Id, f.RuleId }).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var unknown = options.Only.FirstOrDefault(o => !known.Contains(o));
            if (unknown is not null)
            {
                stderr.WriteLine($"anecompat: fix: unknown --rule '{unknown}'; known: {string.Join(", ", FixPlanner.All.Select(f => $"{f.Id} ({f.RuleId})"))}");
                return ExitCodes.InputError;
            }
            try
            {
                var outcome = FixRunner.Run(parse.GetValue(input)!, parse.GetValue(output), options, parse.GetValue(dryRun));
                Print(outcome, stdout, stderr, parse.GetValue(dryRun));
                return ExitCodes.FullyCompatible;
            }
            catch (FixRefusedException e)
            {
                stderr.WriteLine($"anecompat: fix: refused: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (ModelReadException e)
            {
                stderr.WriteLine($"anecompat: {e.Message}");
                return ExitCodes.ReadError;
            }
            catch (IOException e)
            {
                stderr.WriteLine($"anecompat: fix: cannot write: {e.Message}");
                return ExitCodes.OtherError;
            }
        });
        return cmd;
    }

    /// <summary>NAME=1x3x224x224[,1x3x256x256] per option value.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<long[]>> ParseShapes(IEnumerable<string> values)
    {
        var result = new Dictionary<string, IReadOnlyList<long[]>>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            var eq = v.LastIndexOf('=');
            if (eq <= 0 || eq == v.Length - 1) throw new FormatException($"--shape '{v}': expected NAME=1x3x224x224[,…]");
            var list = new List<long[]>();
            foreach (var s in v[(eq + 1)..].Split(',', StringSplitOptions.TrimEntries))
            {
                var dims = s.Split('x', 'X');
                var parsed = new long[dims.Length];
                for (var i = 0; i < dims.Length; i++)
                    if (!long.TryParse(dims[i], NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] <= 0)
                        throw new FormatException($"--shape '{v}': '{s}' is not a shape of positive sizes like 1x3x224x224");
                list.Add(parsed);
            }
            result[v[..eq]] = list;
        }
        return result;
    }

    private static void Print(FixOutcome o, TextWriter stdout, TextWriter stderr, bool dryRun)
    {
        var p = o.Plan;
        stdout.WriteLine(dryRun ? $"fix plan for {o.Before.Model.Path} (dry run: nothing written)" : $"fix {o.Before.Model.Path}");
        foreach (var a in p.Applied)
        {
            var check = p.Checks.TryGetValue(a, out var r) ? $"; proven on {r.Runs} random input set(s), max error {r.WorstError:G3}" : "";
            stdout.WriteLine($"  {(dryRun ? "will apply" : "applied")} {a.Fix.Id} [{a.Fix.RuleId}, {a.Fix.Safety.ToString().ToLowerInvariant()}] {a.Where}: {a.Description}{check}");
            if (a.Fix.Safety == FixSafety.Approximate) stderr.WriteLine($"anecompat: warning: {a.Fix.Id} on {a.Where} is approximate: {a.Fix.Title}");
        }
        foreach (var s in p.Skipped)
            stdout.WriteLine($"  not applied {s.Fix.Id} [{s.Fix.RuleId}] {s.Where}: {s.NotApplicable}");
        foreach (var n in p.Notes) stdout.WriteLine($"  note: {n}");
        if (!p.Proposals.Any()) stdout.WriteLine("  nothing to fix: no finding has a rewrite that applies");
        foreach (var (member, v) in p.SpecificationVersions)
            stdout.WriteLine($"  specificationVersion{(member.Length == 0 ? "" : " of " + member)}: {v.From} → {v.To} (required by the new layers)");
        if (o.After is null)
        {
            if (!dryRun && p.Proposals.Any()) stdout.WriteLine("  no rewrite applies: nothing written");
            return;
        }
        stdout.WriteLine($"wrote {o.WrittenTo}");
        var beforeRules = o.Before.Rules.ToDictionary(r => r.RuleId, r => r.Count);
        var afterRules = o.After.Rules.ToDictionary(r => r.RuleId, r => r.Count);
        foreach (var (rule, count) in beforeRules)
        {
            var now = afterRules.GetValueOrDefault(rule);
            if (now < count) stdout.WriteLine($"  findings {rule}: {count} → {now}{(now == 0 ? " (gone)" : "")}");
        }
        foreach (var (rule, count) in afterRules.Where(kv => !beforeRules.ContainsKey(kv.Key)))
            stdout.WriteLine($"  findings {rule}: 0 → {count} (new)");
        stdout.WriteLine($"  predicted on the ANE: {Percent(o.Before.Placement.OpsFraction)} → {Percent(o.After.Placement.OpsFraction)} of compute ops, "
            + $"{Percent(o.Before.Placement.FlopsFraction)} → {Percent(o.After.Placement.FlopsFraction)} of FLOPs ({o.Before.Target.Name}); "
            + $"status {(int)o.Before.Status} → {(int)o.After.Status}");
        if (o.Before.Placement.OpsFraction < 1 && o.After.Placement.OpsFraction <= o.Before.Placement.OpsFraction && o.After.Placement.FlopsFraction <= o.Before.Placement.FlopsFraction)
            stdout.WriteLine("  note: the predicted ANE share does not improve — the rewritten layers sit among layers that stay off the ANE for other reasons");
        stdout.WriteLine("  predicted, not measured: confirm on a Mac with MLComputePlan or an Xcode performance report");
    }

    private static string Percent(double? f) => f is null ? "n/a" : (f.Value * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
