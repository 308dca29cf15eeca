using System.CommandLine;

namespace AneCompat.Cli.Commands;

/// <summary>
/// <c>anecompat MODELPATH [LOGDIR]</c>, as the original ANECompat is called. Until the rule base lands it reads the
/// model (so read errors still exit 3) and says plainly that no verdict is available.
/// </summary>
public static class AnalyzeCommand
{
    public static void Configure(RootCommand root)
    {
        var model = new Argument<string>("MODELPATH") { Description = "A .mlmodel file, .mlpackage or .mlmodelc folder.", Arity = ArgumentArity.ZeroOrOne };
        var logDir = new Argument<string>("LOGDIR") { Description = "Folder that receives the reports.", Arity = ArgumentArity.ZeroOrOne };
        root.Arguments.Add(model);
        root.Arguments.Add(logDir);
        root.SetAction((parse) =>
        {
            var path = parse.GetValue(model);
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (string.IsNullOrEmpty(path))
            {
                error.WriteLine("anecompat: no model path given. Usage: anecompat MODELPATH [LOGDIR]; see anecompat --help");
                return ExitCodes.InputError;
            }
            return CommandSupport.WithModel(path, error, graph =>
            {
                output.WriteLine($"{graph.SourcePath}: read {graph.AllOps().Count()} ops.");
                output.WriteLine("ANE analysis is not available yet in this build: no verdict is given. Use 'anecompat dump' to see the graph.");
                return ExitCodes.OtherError;
            });
        });
    }
}
