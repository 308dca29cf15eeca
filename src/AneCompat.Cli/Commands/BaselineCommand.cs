using System.CommandLine;
using AneCompat.Comparison;
using AneCompat.Diagnostics;
using AneCompat.Output;
using AneCompat.Planning;
using AneCompat.Reporting;
using AneCompat.Targets;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat baseline MODEL… -o FILE</c>: records every finding of the models (folders and archives included) so
/// that <c>anecompat MODEL --baseline FILE</c> fails only on new ones. Model paths are stored relative to the baseline
/// file's folder (keep it at the repository root), so the working folder does not matter. The format is documented
/// on <see cref="Baseline"/> and in
/// docs/github-actions.md.
/// </summary>
public static class BaselineCommand
{
    public static Command Create()
    {
        var models = new Argument<string[]>("MODEL") { Description = "Models, folders or archives whose current findings are accepted.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The baseline file to write (atomically).", Required = true };
        var target = new Option<string>("--target", "-t") { Description = $"Target chip. Default: {ChipProfiles.DefaultName}.", DefaultValueFactory = _ => ChipProfiles.DefaultName };
        var units = new Option<string>("--compute-units") { Description = $"Compute units: {string.Join(" | ", ComputeUnitNames.All)}. Default: all.", DefaultValueFactory = _ => ComputeUnits.All.ToName() };
        var cmd = new Command("baseline", "Write a baseline of the models' current findings, so that --baseline fails a CI run only on new ones.") { models, output, target, units };
        cmd.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            if (TargetOptions.Resolve(parse.GetValue(target), parse.GetValue(units), error) is not var (chip, computeUnits))
                return ExitCodes.InputError;

            var reports = new List<Report>();
            var inputs = new List<string>();
            foreach (var path in parse.GetValue(models)!)
            {
                try
                {
                    if (AneCompat.ModelCollection.IsCollection(path))
                    {
                        using var collection = AneCompat.ModelCollection.Open(path);
                        inputs.Add(collection.Root);
                        foreach (var m in collection.Models) reports.Add(ReportBuilder.Analyze(collection.Read(m), chip, computeUnits));
                    }
                    else
                    {
                        reports.Add(ReportBuilder.Analyze(ModelReader.Read(path), chip, computeUnits));
                        inputs.Add(Path.GetFullPath(path));
                    }
                }
                catch (ModelReadException e)
                {
                    // A baseline that silently lacks a model would let all its findings through later: refuse.
                    error.WriteLine($"anecompat: {e.Message}");
                    return ExitCodes.ReadError;
                }
            }
            var file = parse.GetValue(output)!;
            var baseline = Baseline.Of(reports, Path.GetDirectoryName(Path.GetFullPath(file))!, chip.Name, computeUnits.ToName());
            try
            {
                AtomicFile.Write(file, baseline.Write, inputs);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"anecompat: cannot write baseline: {e.Message}");
                return ExitCodes.OtherError;
            }
            error.WriteLine($"anecompat: baseline of {baseline.Count} finding(s) in {reports.Count} model(s) written to {file}");
            return ExitCodes.FullyCompatible;
        });
        return cmd;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"anecompat: {message}");
        return ExitCodes.InputError;
    }
}
