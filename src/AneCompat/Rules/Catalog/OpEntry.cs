namespace AneCompat.Rules.Catalog;

/// <summary>Which status table an op type is looked up in.</summary>
public enum OpTable { MilOp, NeuralNetworkLayer, EspressoLayer }

/// <summary>
/// One row of a per-op status table (mil-ops.tsv, nn-layers.tsv, espresso-layers.tsv): the op type as written in
/// files, its canonical graph kind, the fact base's status and confidence, and the §1 rules the row asserts.
/// </summary>
public sealed record OpEntry(
    OpTable Table,
    string Name,
    string Kind,
    OpStatus Status,
    string StatusCode,
    string ConfidenceText,
    Confidence Confidence,
    IReadOnlyList<string> Rules,
    string Notes,
    IReadOnlyList<string> Evidence)
{
    public string TableLabel => Table switch
    {
        OpTable.MilOp => "MIL op",
        OpTable.NeuralNetworkLayer => "NeuralNetwork layer",
        _ => "espresso layer",
    };
}

/// <summary>One row of model-types.tsv: a Model.Type member and what it means for the ANE.</summary>
/// <param name="Status">N = not on the ANE by design, U = unknown, P = judged per op.</param>
public sealed record ModelTypeEntry(string Type, string Family, string Status, IReadOnlyList<string> Rules, Confidence Confidence, string Notes);
