namespace AneCompat.Tests.Support;

/// <summary>
/// A fact that reads the external corpus or the shared fact base: skipped, with <see cref="Corpus.MissingReason"/>, on
/// a plain clone where neither is present, so the suite passes there and says how many tests it could not run.
/// </summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (Corpus.MissingReason is { } reason) Skip = reason;
    }
}

/// <summary>The theory form of <see cref="CorpusFactAttribute"/> (a skipped theory does not enumerate its data).</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (Corpus.MissingReason is { } reason) Skip = reason;
    }
}
