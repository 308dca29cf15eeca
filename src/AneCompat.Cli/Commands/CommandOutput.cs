using System.Text;
using AneCompat.Output;

namespace AneCompat.Cli.Commands;

/// <summary>
/// Where a command's answer goes: a file written atomically (never over the inputs; a FIFO or device written to as it
/// is, a symbolic link's target rather than the link), or standard output — also for <c>-o -</c>. The answer is
/// rendered completely before the first byte reaches standard output, so a failure never leaves half a document.
/// </summary>
public static class CommandOutput
{
    /// <summary>True when <paramref name="file"/> means standard output (none given, or <c>-</c>).</summary>
    public static bool IsStandardOutput(string? file) => string.IsNullOrEmpty(file) || file == "-";

    /// <summary>A document rendered to bytes (JSON, SARIF, HTML).</summary>
    public static void WriteBytes(string? file, TextWriter output, Action<Stream> write, IEnumerable<string> inputs)
    {
        if (!IsStandardOutput(file)) { AtomicFile.Write(file!, write, inputs); return; }
        using var ms = new MemoryStream();
        write(ms);
        output.Write(Encoding.UTF8.GetString(ms.ToArray()));
        output.WriteLine();
        output.Flush();
    }

    /// <summary>Text written through a TextWriter.</summary>
    public static void WriteText(string? file, TextWriter output, Action<TextWriter> write, IEnumerable<string> inputs)
    {
        if (IsStandardOutput(file) && Rendering.ConsoleFactory.ShouldUseColor(output))
        {
            // A terminal keeps its colours: written as rendered (the guard still turns a failure into one line).
            write(output);
            output.Flush();
            return;
        }
        if (IsStandardOutput(file))
        {
            var buffer = new StringWriter();
            write(buffer);
            output.Write(buffer.ToString());
            output.Flush();
            return;
        }
        AtomicFile.Write(file!, s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            write(w);
        }, inputs);
    }
}
