using System.CommandLine;
using AneCompat.Cli.Commands;

namespace AneCompat.Cli;

internal static class Program
{
    private static int Main(string[] args) => Cli.Run(args, Console.Out, Console.Error);
}

/// <summary>Builds the command tree; tests call <see cref="Run"/> directly with their own writers.</summary>
public static class Cli
{
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("anecompat — predicts from the model file alone whether Apple's Neural Engine will run a Core ML model, which ops push work to the CPU/GPU, why, and how to fix it.");
        // Each verb lives in its own file under Commands/ and registers itself here.
        root.Subcommands.Add(DumpCommand.Create());
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(ExplainCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(BaselineCommand.Create());
        root.Subcommands.Add(PlanScriptCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        AnalyzeCommand.Configure(root);
        Help.HelpLayout.Apply(root);
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var root = BuildRoot();
            var config = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
            var parse = root.Parse(args);
            if (parse.Action is not { ClearsParseErrors: true } && UsageErrors.Find(parse, args) is { } usage)
            {
                // Bad arguments exit 5, never System.CommandLine's default 1, which means "partially compatible" here.
                stderr.WriteLine($"anecompat: {usage}");
                return ExitCodes.InputError;
            }
            return parse.Invoke(config);
        }
        catch (Exception e)
        {
            // Last resort: never a stack trace. Exit 7 = other error, as the original ANECompat's status codes.
            stderr.WriteLine($"anecompat: internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return ExitCodes.OtherError;
        }
    }
}
