namespace AneCompat.Surgery.Split;

/// <summary>The model cannot be split as asked (compiled input, multi-function program, a cut inside a nested
/// block, an unnameable boundary…). The message is one line; the CLI exits 5.</summary>
public sealed class SplitRefusedException(string message) : Exception(message);
