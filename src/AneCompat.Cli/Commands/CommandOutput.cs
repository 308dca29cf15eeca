using System.Text;
using AneCompat.Output;

namespace AneCompat.Cli.Commands;

/// <summary>Where a command's answer goes: a file written atomically (never over the inputs), or standard output.</summary>
public static class CommandOutput
{
    /// <summary>A document rendered to bytes (JSON, SARIF, HTML).</summary>
    public static void WriteBytes(string? file, TextWriter output, Action<Stream> write, IEnumerable<string> inputs)
    {
        if (!string.IsNullOrEmpty(file)) { AtomicFile.Write(file, write, inputs); return; }
        using var ms = new MemoryStream();
        write(ms);
        output.Write(Encoding.UTF8.GetString(ms.ToArray()));
        output.WriteLine();
        output.Flush();
    }

    /// <summary>Text written through a TextWriter.</summary>
    public static void WriteText(string? file, TextWriter output, Action<TextWriter> write, IEnumerable<string> inputs)
    {
        if (string.IsNullOrEmpty(file)) { write(output); output.Flush(); return; }
        AtomicFile.Write(file, s =>
        {
            using var w = new StreamWriter(s, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            write(w);
        }, inputs);
    }
}
