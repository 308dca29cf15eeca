using Spectre.Console;

namespace AneCompat.Cli.Rendering;

/// <summary>
/// Spectre.Console over a given writer. Colour and other ANSI codes only go to a real terminal: never when output is
/// redirected or captured, and never when NO_COLOR is set (no-color.org).
/// </summary>
public static class ConsoleFactory
{
    public static bool ShouldUseColor(TextWriter writer) =>
        ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>$COLUMNS when it is a sensible width (40–1000), else null.</summary>
    public static int? Columns() =>
        int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var c) && c is >= 40 and <= 1000 ? c : null;

    public static IAnsiConsole Create(TextWriter writer)
    {
        var color = ShouldUseColor(writer);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = color ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        // A pipe or file has no width of its own: $COLUMNS when the user gives one, else 140 (wider than Spectre's
        // 80-column fallback, so tables stay readable in CI logs).
        if (Columns() is int columns) console.Profile.Width = columns;
        else if (!color) console.Profile.Width = 140;
        return console;
    }
}
