using AneCompat.Graph;

namespace AneCompat.Rules.Checks;

/// <summary>Which inputs of a model node are range-shaped or enumerated.</summary>
internal static class FlexibleShapes
{
    public static List<FeatureInfo> Ranged(ModelNode node) =>
        node.Interface.Inputs.Where(i => i.Flexibility is ShapeFlexibility.Ranged or ShapeFlexibility.Unbounded).ToList();

    public static List<FeatureInfo> Enumerated(ModelNode node) =>
        node.Interface.Inputs.Where(i => i.Flexibility == ShapeFlexibility.Enumerated).ToList();

    public static string Names(IEnumerable<FeatureInfo> inputs) => string.Join(", ", inputs.Select(i => $"'{i.Name}'"));

    public static string Ranges(FeatureInfo input) =>
        input.Ranges.Count == 0 ? "" : " [" + string.Join(", ", input.Ranges.Select(r => r.Lower == r.Upper ? $"{r.Lower}" : $"{r.Lower}..{(r.Upper?.ToString() ?? "∞")}")) + "]";
}
