namespace AneCompat.Cli.Rendering;

/// <summary>
/// "[12/40] Models/Net.mlpackage" on one self-rewriting line of standard error while a folder is analysed — only when
/// standard error is a terminal; silent when it is piped, redirected or captured (tests, CI logs).
/// </summary>
public sealed class ProgressIndicator : IDisposable
{
    private readonly TextWriter? _out;
    private readonly int _total;
    private readonly object _lock = new();
    private int _done;
    private int _width;

    private ProgressIndicator(TextWriter? output, int total)
    {
        _out = output;
        _total = total;
    }

    /// <summary>A live indicator when <paramref name="error"/> is the process's terminal standard error, else a silent one.</summary>
    public static ProgressIndicator For(TextWriter error, int total) =>
        new(total > 1 && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected ? error : null, total);

    public bool IsLive => _out is not null;

    /// <summary>One more model finished.</summary>
    public void Step(string name)
    {
        if (_out is null) return;
        lock (_lock)
        {
            _done++;
            var columns = Console.IsOutputRedirected ? 80 : Math.Max(20, SafeWidth() - 1);
            var line = $"[{_done}/{_total}] {name}";
            if (line.Length > columns) line = line[..(columns - 1)] + "…";
            _out.Write("\r" + line.PadRight(_width));
            _width = line.Length;
            _out.Flush();
        }
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth; } catch (IOException) { return 80; }
    }

    /// <summary>Clears the line, so the results that follow start clean.</summary>
    public void Dispose()
    {
        if (_out is null) return;
        lock (_lock)
        {
            _out.Write("\r" + new string(' ', _width) + "\r");
            _out.Flush();
        }
    }
}
