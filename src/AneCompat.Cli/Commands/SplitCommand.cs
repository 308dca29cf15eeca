using System.CommandLine;
using AneCompat.Diagnostics;
using AneCompat.Evaluation;
using AneCompat.Planning;
using AneCompat.Surgery.Split;

namespace AneCompat.Cli.Commands;

/// <summary><c>anecompat split IN -o DIR [--at OPNAME]… [--by placement|eligibility]</c>: sub-models per predicted device
/// (or per ANE eligibility) and a pipeline of them.</summary>
public static class SplitCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "A NeuralNetwork .mlmodel or a single-function ML program .mlpackage." };
        var output = new Option<string>("--output", "-o") { Description = "Folder to create for the sub-models and the pipeline (must not exist).", Required = true };
        var at = new Option<string[]>("--at") { Description = "Cut after this op (name as in the file) instead of at predicted device boundaries; repeatable.", AllowMultipleArgumentsPerToken = false };
        var by = new Option<string>("--by")
        {
            Description = "Which boundaries to cut at: placement (default: where the predicted device changes, as the report shows) or eligibility (where the rule verdict changes: every ANE-eligible op in an ANE part, even where the cost model keeps tiny work on the CPU).",
            HelpName = "placement|eligibility",
            DefaultValueFactory = _ => "placement",
        };
        by.AcceptOnlyFromAmong("placement", "eligibility");
        var target = new Option<string>("--target", "-t") { Description = "Chip profile whose predicted placement decides the cuts.", DefaultValueFactory = _ => Targets.ChipProfiles.DefaultName };
        var units = new Option<string>("--compute-units") { Description = "all, cpu-and-ne, cpu-and-gpu or cpu-only (for the predicted placement).", DefaultValueFactory = _ => ComputeUnits.All.ToName() };
        var shapes = new Option<string[]>("--boundary-shape") { Description = "NAME=DIMS (e.g. x=1x6x32x32): the shape of a tensor crossing a cut when it cannot be inferred (custom layer outputs)." };
        var cmd = new Command("split", "Cut a model at its predicted device boundaries into sub-models (ANE parts and the rest) plus a pipeline chaining them, checked by the reference evaluator.")
            { input, output, at, by, target, units, shapes };
        cmd.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            if (!ComputeUnitNames.TryParse(parse.GetValue(units), out var cu))
                return Fail(stderr, $"unknown compute units '{parse.GetValue(units)}'");
            var boundary = new Dictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var s in parse.GetValue(shapes) ?? Array.Empty<string>())
            {
                var eq = s.IndexOf('=');
                var dims = eq > 0 ? s[(eq + 1)..].Split('x', ',') : Array.Empty<string>();
                if (eq <= 0 || dims.Length == 0 || dims.Any(d => !long.TryParse(d, out var v) || v <= 0))
                    return Fail(stderr, $"--boundary-shape '{s}': expected NAME=DIMS such as x=1x6x32x32");
                boundary[s[..eq]] = dims.Select(long.Parse).ToArray();
            }
            var cutAfter = parse.GetValue(at) ?? Array.Empty<string>();
            if (cutAfter.Length > 0 && parse.GetResult(by) is { Implicit: false })
                return Fail(stderr, "--at and --by cannot be combined: --at names the cut points itself");
            var options = new SplitOptions
            {
                Target = parse.GetValue(target), ComputeUnits = cu, CutAfter = cutAfter,
                By = parse.GetValue(by) == "eligibility" ? SplitBoundaries.Eligibility : SplitBoundaries.Placement,
                BoundaryShapes = boundary,
            };
            try
            {
                var result = ModelSplitter.Split(parse.GetValue(input)!, parse.GetValue(output)!, options);
                foreach (var (part, path) in result.Parts.Zip(result.PartPaths))
                    stdout.WriteLine($"part {part.Index + 1} ({part.Label}): {path}  inputs: {string.Join(", ", part.Inputs)}  outputs: {string.Join(", ", part.Outputs)}");
                stdout.WriteLine($"pipeline: {result.PipelinePath}");
                stdout.WriteLine(result.Proof.ToString());
                if (result.Parts.Any(p => p.Label != "ANE"))
                    stdout.WriteLine("load the non-ANE parts with computeUnits = .cpuOnly (a pipeline runs all its models on one compute-unit setting)");
                return ExitCodes.FullyCompatible;
            }
            catch (SplitRefusedException e) { return Fail(stderr, $"split refused: {e.Message}"); }
            catch (ModelReadException e) { stderr.WriteLine($"anecompat: {e.Message}"); return ExitCodes.ReadError; }
            catch (IOException e) { return Fail(stderr, e.Message); }
        });
        return cmd;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"anecompat: {message}");
        return ExitCodes.InputError;
    }
}
