namespace AneCompat.Cli;

/// <summary>The original ANECompat's status codes, which CI gates already use.</summary>
public static class ExitCodes
{
    public const int FullyCompatible = 0;
    public const int Partial = 1;
    public const int NotCompatible = 2;
    public const int ReadError = 3;
    /// <summary>The CI gate failed on findings a baseline does not know (<c>--baseline</c>, <c>--fail-on new-finding</c>), or <c>diff</c> found a regression.</summary>
    public const int NewFindings = Comparison.Gate.NewFindingExitCode;
    public const int InputError = 5;
    public const int OtherError = 7;
}
