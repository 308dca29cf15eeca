using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace AneCompat.Cli.Help;

/// <summary>
/// What <c>--help</c> prints, for every command in the tree: the description, a usage line with only that command's
/// own arguments (System.CommandLine's default also lists the root's MODELPATH and LOGDIR under every subcommand),
/// its arguments, options and subcommands; the root's help adds the exit codes and two examples. Lines are wrapped at
/// $COLUMNS when set, else the terminal's width, else 80.
/// </summary>
public sealed class HelpLayout : SynchronousCommandLineAction
{
    public static readonly IReadOnlyList<(string Code, string Meaning)> ExitCodeRows = new[]
    {
        ("0", "fully compatible: every compute op is predicted on the ANE"),
        ("1", "partially compatible: some ops run on the CPU or GPU"),
        ("2", "not compatible: nothing runs on the ANE"),
        ("3", "the model cannot be read (missing, truncated, corrupt or over a limit)"),
        ("4", "the CI gate failed: findings not in --baseline (or --fail-on new-finding), or diff found NEW worse"),
        ("5", "bad arguments (unknown option, target or format; surplus argument)"),
        ("7", "other error (an output cannot be written)"),
    };

    public static readonly IReadOnlyList<(string Command, string What)> Examples = new[]
    {
        ("anecompat MyModel.mlpackage --target A17Pro", "the verdict, segments and findings for one chip"),
        ("anecompat Models/ --format sarif -o anecompat.sarif", "every model of a folder in one SARIF file for code scanning"),
    };

    private readonly RootCommand _root;

    private HelpLayout(RootCommand root) => _root = root;

    /// <summary>Makes the root's (recursive) help option print this layout.</summary>
    public static void Apply(RootCommand root)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { } help) help.Action = new HelpLayout(root);
    }

    /// <summary>Help is printed even when the rest of the line has errors (`anecompat dump --help` without PATH).</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        Write(parseResult.CommandResult.Command, output, Width());
        output.Flush();
        return 0;
    }

    /// <summary>$COLUMNS when it is a sensible number, else the terminal's width, else 80.</summary>
    public static int Width()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns is >= 20 and <= 1000) return columns;
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth >= 20) return Console.WindowWidth;
        }
        catch (IOException) { }
        return 80;
    }

    public void Write(Command command, TextWriter w, int width)
    {
        var isRoot = ReferenceEquals(command, _root);
        if (!string.IsNullOrEmpty(command.Description))
        {
            w.WriteLine("Description:");
            foreach (var line in Wrap(command.Description, width - 2)) w.WriteLine("  " + line);
            w.WriteLine();
        }

        var arguments = command.Arguments.Where(a => !a.Hidden).ToList();
        var usage = new List<string> { "anecompat" };
        if (!isRoot) usage.Add(PathOf(_root, command) ?? command.Name);
        usage.AddRange(arguments.Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[{a.Name}]" : a.Name));
        var options = Options(command).ToList();
        if (options.Count > 0) usage.Add("[options]");
        w.WriteLine("Usage:");
        w.WriteLine("  " + string.Join(' ', usage));
        if (isRoot && command.Subcommands.Count > 0) w.WriteLine("  anecompat COMMAND [ARGUMENTS] [options]");
        w.WriteLine();

        if (arguments.Count > 0)
            Section(w, "Arguments:", arguments.Select(a => (a.Name, a.Description ?? "")), width);
        if (options.Count > 0)
            Section(w, "Options:", options.Select(o => (OptionLabel(o), o.Description ?? "")), width);
        var subcommands = command.Subcommands.Where(c => !c.Hidden).ToList();
        if (subcommands.Count > 0)
            Section(w, "Commands:", subcommands.Select(c => (string.Join(' ', c.Arguments.Where(a => !a.Hidden).Select(a => a.Name).Prepend(c.Name)), c.Description ?? "")), width);
        if (isRoot)
        {
            Section(w, "Exit codes (the original ANECompat's):", ExitCodeRows.Select(r => (r.Code, r.Meaning)), width);
            w.WriteLine("Examples:");
            foreach (var (line, what) in Examples)
            {
                w.WriteLine("  " + line);
                foreach (var l in Wrap(what, width - 6)) w.WriteLine("      " + l);
            }
            w.WriteLine();
        }
    }

    /// <summary>The command's own options, then the recursive ones of its ancestors (--help).</summary>
    private IEnumerable<Option> Options(Command command)
    {
        // The command's own options first; --help and --version (the root's) last.
        var own = command.Options.Where(o => !o.Hidden && o is not HelpOption && o is not VersionOption).ToList();
        var general = _root.Options.Where(o => !o.Hidden && (o is HelpOption || o is VersionOption) && (o.Recursive || ReferenceEquals(command, _root)));
        return own.Concat(general);
    }

    private static string OptionLabel(Option o)
    {
        var names = o.Aliases.Where(a => a.Length == 2 && a[0] == '-').OrderBy(a => a, StringComparer.Ordinal).Append(o.Name)
            .Concat(o.Aliases.Where(a => a.Length > 2 && a[0] == '-' && a != o.Name)).Distinct();
        var label = string.Join(", ", names);
        var takesValue = o.ValueType != typeof(bool) && o is not HelpOption && o is not VersionOption;
        return takesValue ? $"{label} {(o.HelpName ?? o.Name.TrimStart('-').ToUpperInvariant())}" : label;
    }

    private static void Section(TextWriter w, string title, IEnumerable<(string Left, string Right)> rows, int width)
    {
        var list = rows.ToList();
        w.WriteLine(title);
        var left = Math.Min(list.Max(r => r.Left.Length), Math.Max(12, width / 3));
        var rightWidth = Math.Max(20, width - left - 4);
        foreach (var (l, r) in list)
        {
            var lines = Wrap(r, rightWidth);
            if (l.Length > left)
            {
                w.WriteLine("  " + l);
                foreach (var line in lines) w.WriteLine(new string(' ', left + 4) + line);
                continue;
            }
            for (var i = 0; i < Math.Max(1, lines.Count); i++)
                w.WriteLine(((i == 0 ? "  " + l.PadRight(left) : new string(' ', left + 2)) + "  " + (i < lines.Count ? lines[i] : "")).TrimEnd());
        }
        w.WriteLine();
    }

    /// <summary>Greedy word wrap; a word longer than the width stays whole on its own line.</summary>
    internal static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line);
                line = word;
            }
            else line = line.Length == 0 ? word : line + " " + word;
        }
        if (line.Length > 0) lines.Add(line);
        return lines;
    }

    /// <summary>"dump", or "a b" for a nested command.</summary>
    private static string? PathOf(Command root, Command target)
    {
        foreach (var sub in root.Subcommands)
        {
            if (ReferenceEquals(sub, target)) return sub.Name;
            if (PathOf(sub, target) is { } inner) return sub.Name + " " + inner;
        }
        return null;
    }
}
