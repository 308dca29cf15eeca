namespace AneCompat.Rules.Catalog;

/// <summary>The fact base's letter codes: status legend (Y/C/N/F/H/U) and confidence (A/R/C/G).</summary>
public static class Codes
{
    public static OpStatus ParseStatus(string code) => code switch
    {
        "Y" => OpStatus.Supported,
        "C" => OpStatus.Conditional,
        "N" => OpStatus.Unsupported,
        "F" => OpStatus.Folded,
        "H" => OpStatus.Host,
        "U" => OpStatus.Unknown,
        _ => throw new FormatException($"unknown status code '{code}'"),
    };

    public static string StatusCode(OpStatus s) => s switch
    {
        OpStatus.Supported => "Y",
        OpStatus.Conditional => "C",
        OpStatus.Unsupported => "N",
        OpStatus.Folded => "F",
        OpStatus.Host => "H",
        _ => "U",
    };

    /// <summary>Parses "A/R/C", "R,C", "A (hint) / C", "-" into flags; unknown letters are ignored.</summary>
    public static Confidence ParseConfidence(string text)
    {
        var c = Confidence.None;
        foreach (var part in text.Split('/', ',', ' '))
        {
            c |= part.Trim().Trim('*') switch
            {
                "A" => Confidence.A,
                "R" => Confidence.R,
                "C" => Confidence.C,
                "G" => Confidence.G,
                _ => Confidence.None,
            };
        }
        return c;
    }
}
