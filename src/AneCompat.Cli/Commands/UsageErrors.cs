using System.CommandLine;
using System.CommandLine.Parsing;

namespace AneCompat.Cli.Commands;

/// <summary>
/// Turns what System.CommandLine made of the arguments into at most one line for standard error, for every command
/// (including those added later): an unknown option — whether the parser left it unmatched or bound it to a
/// positional argument such as LOGDIR — is named with the nearest option the command has; a surplus argument is named
/// with the command's usage; any other parse error is passed on. The caller exits 5.
/// </summary>
public static class UsageErrors
{
    public static string? Find(ParseResult parse, IReadOnlyList<string> args)
    {
        // Everything after "--" is taken literally (a folder really named "-x" can still be given).
        var literalFrom = args.ToList().IndexOf("--") is var dd and >= 0 ? dd : int.MaxValue;
        var literal = new HashSet<string>(args.Skip(Math.Min(literalFrom, args.Count) + 1), StringComparer.Ordinal);
        var command = parse.CommandResult.Command;

        foreach (var token in PositionalTokens(parse.CommandResult))
            if (LooksLikeOption(token) && !literal.Contains(token))
                return UnknownOption(token, parse);
        foreach (var token in parse.UnmatchedTokens)
        {
            if (LooksLikeOption(token) && !literal.Contains(token)) return UnknownOption(token, parse);
            return $"unexpected argument '{token}': usage is {Usage(parse)} (see {CommandPath(parse)} --help)";
        }
        return parse.Errors.Count > 0 ? parse.Errors[0].Message : null;
    }

    /// <summary>Tokens bound to the positional arguments of the chosen command and its parents (not option values).</summary>
    private static IEnumerable<string> PositionalTokens(CommandResult? result)
    {
        for (var c = result; c is not null; c = c.Parent as CommandResult)
            foreach (var child in c.Children.OfType<ArgumentResult>())
                foreach (var t in child.Tokens)
                    yield return t.Value;
    }

    private static bool LooksLikeOption(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static string UnknownOption(string token, ParseResult parse)
    {
        var name = token.Split('=', ':')[0];
        var nearest = NearestName.Nearest(name, OptionNames(parse));
        return $"unknown option '{name}' for {CommandPath(parse)}" + (nearest is null ? "" : $"; the nearest is '{nearest}'") + $" (see {CommandPath(parse)} --help)";
    }

    /// <summary>The chosen command's options and the recursive ones of its parents (--help), every alias.</summary>
    private static IEnumerable<string> OptionNames(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var options = command.Options.AsEnumerable();
        for (var c = parse.CommandResult.Parent as CommandResult; c is not null; c = c.Parent as CommandResult)
            options = options.Concat(c.Command.Options.Where(o => o.Recursive));
        return options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal) || n.Length == 2).Distinct();
    }

    internal static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var c = parse.CommandResult; c is not null; c = c.Parent as CommandResult)
            names.Insert(0, c.Command is RootCommand ? "anecompat" : c.Command.Name);
        return string.Join(' ', names);
    }

    private static string Usage(ParseResult parse) =>
        string.Join(' ', new[] { CommandPath(parse) }.Concat(parse.CommandResult.Command.Arguments.Where(a => !a.Hidden)
            .Select(a => a.Arity.MinimumNumberOfValues == 0 ? $"[{a.Name}]" : a.Name)));
}
