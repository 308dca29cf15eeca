using System.Diagnostics;
using System.Text;

namespace AneCompat.Tests.Support;

/// <summary>
/// Runs the command line and captures what it prints: in-process through the real entry point by default, or — when
/// <c>ANECOMPAT_CLI_UNDER_TEST</c> names an executable (the NativeAOT binary, an installed tool, or a .dll run with
/// dotnet) — as a separate process, so the same CLI tests check the shipped binary (.ci/run does).
/// </summary>
public static class CliRunner
{
    public const string Variable = "ANECOMPAT_CLI_UNDER_TEST";

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The executable under test, or null for the in-process entry point.</summary>
    public static string? External { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } e ? e : null;

    public static Result Run(params string[] args) => External is null ? InProcess(args) : OutOfProcess(External, args, null);

    /// <summary>Runs with extra environment variables (always as a process when they matter: COLUMNS and the like).</summary>
    public static Result RunWithEnvironment(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        OutOfProcess(External ?? InProcessCliDll(), args, environment);

    private static Result InProcess(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = AneCompat.Cli.Cli.Run(args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The CLI assembly this test assembly was built against (copied next to it).</summary>
    private static string InProcessCliDll() => Path.Combine(AppContext.BaseDirectory, "AneCompat.Cli.dll");

    private static Result OutOfProcess(string exe, string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var psi = exe.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { exe } }
            : new ProcessStartInfo(exe);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = psi.RedirectStandardError = psi.RedirectStandardInput = true;
        psi.StandardOutputEncoding = psi.StandardErrorEncoding = new UTF8Encoding(false);
        psi.UseShellExecute = false;
        psi.Environment.Remove("COLUMNS"); // as in-process: a captured writer has no width unless a test gives one
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish in 2 minutes");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
