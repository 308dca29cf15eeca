using System.CommandLine;
using AneCompat.Comparison;
using AneCompat.Diagnostics;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat diff OLD NEW</c>: what changed between two versions of a model — status, ops that moved onto or off
/// the ANE, findings new and gone — as text, JSON, markdown or one offline HTML page showing the two versions side by
/// side. Exits 0 when NEW is no worse than OLD, 4 when it is
/// (a worse status, an op that left the ANE, a new finding), 3 when either cannot be read.
/// </summary>
public static class DiffCommand
{
    public static readonly IReadOnlyList<string> Formats = new[] { "text", "json", "markdown", "html" };

    public static Command Create()
    {
        var oldModel = new Argument<string>("OLD") { Description = "The model as it was (.mlmodel, .mlpackage or .mlmodelc)." };
        var newModel = new Argument<string>("NEW") { Description = "The model as it is now." };
        var target = new Option<string>("--target", "-t") { Description = $"Target chip. Default: {ChipProfiles.DefaultName}.", DefaultValueFactory = _ => ChipProfiles.DefaultName };
        var units = new Option<string>("--compute-units") { Description = $"Compute units: {string.Join(" | ", ComputeUnitNames.All)}. Default: all.", DefaultValueFactory = _ => ComputeUnits.All.ToName() };
        var format = new Option<string>("--format", "-f") { Description = $"Output format: {string.Join(" | ", Formats)}. Default: text.", DefaultValueFactory = _ => "text" };
        var outputFile = new Option<string>("--output", "-o") { Description = "Write the diff to this file (atomically) instead of standard output." };
        var cmd = new Command("diff", "Compare two versions of a model: status, ops that moved onto or off the ANE, new and gone findings. Exit 4 when the new one is worse.")
        {
            oldModel, newModel, target, units, format, outputFile,
        };
        cmd.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (TargetOptions.Resolve(parse.GetValue(target), parse.GetValue(units), error) is not var (chip, computeUnits))
                return ExitCodes.InputError;
            var fmt = (parse.GetValue(format) ?? "text").ToLowerInvariant();
            if (!Formats.Contains(fmt))
                return Fail(error, $"unknown format '{fmt}'; use {string.Join(", ", Formats)}");

            Report before, after;
            try
            {
                before = ReportBuilder.Analyze(ModelReader.Read(parse.GetValue(oldModel)!), chip, computeUnits);
                after = ReportBuilder.Analyze(ModelReader.Read(parse.GetValue(newModel)!), chip, computeUnits);
            }
            catch (ModelReadException e)
            {
                error.WriteLine($"anecompat: {e.Message}");
                return ExitCodes.ReadError;
            }
            var diff = ReportComparison.Compare(before, after);
            var inputs = new[] { before.Model.Path, after.Model.Path };
            var file = parse.GetValue(outputFile);
            try
            {
                switch (fmt)
                {
                    case "json": CommandOutput.WriteBytes(file, output, s => DiffWriters.WriteJson(diff, s), inputs); break;
                    case "html": CommandOutput.WriteBytes(file, output, s => DiffHtmlWriter.Write(diff, before, after, s), inputs); break;
                    case "markdown": CommandOutput.WriteText(file, output, w => DiffWriters.WriteMarkdown(diff, w), inputs); break;
                    default: CommandOutput.WriteText(file, output, w => DiffWriters.WriteText(diff, w), inputs); break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"anecompat: cannot write output: {e.Message}");
                return ExitCodes.OtherError;
            }
            return diff.IsRegression ? ExitCodes.NewFindings : ExitCodes.FullyCompatible;
        });
        return cmd;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"anecompat: {message}");
        return ExitCodes.InputError;
    }
}
