using System.CommandLine;
using AneCompat.Comparison.PlanComparison;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat compare MODEL PLAN [--format json]</c>: our prediction against Core ML's own plan of the same model
/// (the JSON <c>anecompat plan-script</c> writes, or a pasted coremltools printout): agreement per op, per op kind and
/// overall, for eligibility (vs supported devices) and placement (vs preferred device), and every disagreement with
/// the rule and cost figures behind our answer. Exit 0 when compared; 3 when the model or the plan cannot be read;
/// 5 for bad arguments.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "The model the plan was made for (.mlmodel, .mlpackage or .mlmodelc)." };
        var plan = new Argument<string>("PLAN") { Description = "Core ML's plan: the JSON of anecompat plan-script, or a pasted printout (op=TYPE preferred=DEVICE supported=[…] per line)." };
        var target = new Option<string>("--target", "-t") { Description = "Target chip of our prediction. Default: the plan's chip when it names a known one (Apple M4 → M4), else " + ChipProfiles.DefaultName + "." };
        var units = new Option<string>("--compute-units") { Description = $"Compute units of our prediction: {string.Join(" | ", ComputeUnitNames.All)}. Default: the plan's, else all." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text | json. Default: text.", DefaultValueFactory = _ => "text" };
        var cmd = new Command("compare", "Compare our prediction with Core ML's own compute plan of the model (from anecompat plan-script on a Mac).") { model, plan, target, units, format };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var fmt = (parse.GetValue(format) ?? "text").ToLowerInvariant();
            if (fmt is not ("text" or "json"))
            {
                error.WriteLine($"anecompat: unknown format '{fmt}'; use text or json");
                return ExitCodes.InputError;
            }
            ObservedPlan observed;
            try
            {
                observed = ObservedPlanReader.Read(parse.GetValue(plan)!);
            }
            catch (PlanFormatException e)
            {
                error.WriteLine($"anecompat: {e.Message.ReplaceLineEndings(" ")}");
                return ExitCodes.ReadError;
            }

            var chipName = parse.GetValue(target);
            var chip = chipName is not null ? ChipProfiles.Find(chipName) : ChipFromPlan(observed.Chip) ?? ChipProfiles.Default;
            if (chip is null)
            {
                error.WriteLine($"anecompat: unknown target '{chipName}'; known: {string.Join(", ", ChipProfiles.All.Select(p => p.Name))}");
                return ExitCodes.InputError;
            }
            var unitsName = parse.GetValue(units) ?? observed.ComputeUnits ?? ComputeUnits.All.ToName();
            if (!ComputeUnitNames.TryParse(unitsName, out var computeUnits))
            {
                error.WriteLine($"anecompat: unknown compute units '{unitsName}'; use {string.Join(", ", ComputeUnitNames.All)}");
                return ExitCodes.InputError;
            }

            return CommandSupport.WithModel(parse.GetValue(model)!, error, graph =>
            {
                var report = ReportBuilder.Analyze(graph, chip, computeUnits);
                var result = PlanComparer.Compare(report, observed);
                if (fmt == "json")
                {
                    using var stdout = new MemoryStream();
                    PlanComparisonWriter.WriteJson(result, stdout);
                    output.Write(System.Text.Encoding.UTF8.GetString(stdout.ToArray()));
                    output.WriteLine();
                }
                else PlanComparisonWriter.WriteText(result, output);
                return ExitCodes.FullyCompatible;
            });
        });
        return cmd;
    }

    /// <summary>"Apple M4 Pro" → M4; "Apple M2" → M2; null when no known chip is named.</summary>
    private static ChipProfile? ChipFromPlan(string? chip) =>
        chip?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ChipProfiles.Find).FirstOrDefault(p => p is not null);
}
