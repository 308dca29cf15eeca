using System.CommandLine;
using AneCompat.Comparison.PlanComparison;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat plan-script [--swift|--python]</c>: prints a small script that, run on a Mac with the model, writes
/// Core ML's real plan (MLComputePlan) as the JSON <c>anecompat compare</c> reads (docs/compute-plan.md).
/// </summary>
public static class PlanScriptCommand
{
    public static Command Create()
    {
        var swift = new Option<bool>("--swift") { Description = "Print the Swift script (needs only Xcode's command line tools): swift coreml_plan.swift MODEL [all|cpu-and-ne|…] > plan.json" };
        var python = new Option<bool>("--python") { Description = "Print the Python script (needs coremltools 8.1+); the default: python3 coreml_plan.py MODEL --compute-units all -o plan.json" };
        var cmd = new Command("plan-script", "Print a script that writes Core ML's own compute plan of a model as JSON on a Mac (macOS 14.4+), for anecompat compare.") { swift, python };
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(swift) && parse.GetValue(python))
            {
                parse.InvocationConfiguration.Error.WriteLine("anecompat: choose one of --swift and --python");
                return ExitCodes.InputError;
            }
            parse.InvocationConfiguration.Output.Write(parse.GetValue(swift) ? PlanScripts.Swift : PlanScripts.Python);
            return ExitCodes.FullyCompatible;
        });
        return cmd;
    }
}
