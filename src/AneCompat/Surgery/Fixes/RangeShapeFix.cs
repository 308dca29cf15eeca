using AneCompat.Schema;

namespace AneCompat.Surgery.Fixes;

/// <summary>
/// S12: a multi-array input with a shape range → the fixed shape (one <c>--shape</c>) or enumerated shapes
/// (several; the first is the default) the user gives. Exact for those shapes; other shapes stop being accepted.
/// Each given shape must have the input's rank and lie inside its ranges. NeuralNetwork models only: an ML
/// program's function signature would need its shapes re-inferred through the program.
/// </summary>
public sealed class RangeShapeFix : Fix
{
    public override string Id => "S12";
    public override string RuleId => "SHAPE-RANGE";
    public override FixSafety Safety => FixSafety.Exact;
    public override string Title => "range input shape → fixed or enumerated shapes (--shape)";

    public override IEnumerable<FixProposal> Propose(NetworkContext net)
    {
        var description = net.Site.Spec.Description;
        if (description is null) yield break;
        foreach (var input in description.Input)
        {
            var array = input.Type?.MultiArrayType;
            var p = new FixProposal(this, net.Member, -1, input.Name);
            if (input.Type?.ImageType?.ImageSizeRange is not null)
            {
                yield return p with { NotApplicable = "image size ranges are not rewritten (only multi-array inputs)" };
                continue;
            }
            if (array?.ShapeRange is null) continue;
            if (!net.Options.Shapes.TryGetValue(input.Name, out var shapes))
            {
                yield return p with { NotApplicable = $"give the shapes to keep with --shape {input.Name}={string.Join("x", array.Shape.DefaultIfEmpty(1))}[,…]" };
                continue;
            }
            var ranges = array.ShapeRange.SizeRanges;
            string? problem = null;
            foreach (var s in shapes)
            {
                if (s.Length != ranges.Count) { problem = $"shape {string.Join("x", s)} has rank {s.Length}; input '{input.Name}' has rank {ranges.Count}"; break; }
                for (var d = 0; d < s.Length && problem is null; d++)
                {
                    var r = ranges[d];
                    if (s[d] < (long)r.LowerBound || r.UpperBound >= 0 && s[d] > r.UpperBound)
                        problem = $"shape {string.Join("x", s)}: dimension {d} = {s[d]} lies outside the input's range {r.LowerBound}…{(r.UpperBound < 0 ? "∞" : r.UpperBound.ToString())}";
                }
                if (problem is not null) break;
            }
            if (problem is not null) { yield return p with { NotApplicable = problem }; continue; }
            var name = input.Name;
            var given = shapes.Select(s => s.ToArray()).ToList();
            yield return p with
            {
                Description = given.Count == 1
                    ? $"input '{name}': shape range → fixed shape {string.Join("x", given[0])}"
                    : $"input '{name}': shape range → {given.Count} enumerated shapes (default {string.Join("x", given[0])})",
                RequiredSpecificationVersion = given.Count == 1 ? 1 : 3,
                ApplyToModel = site =>
                {
                    var feature = site.ReadInput(name);
                    var t = feature.Type.MultiArrayType;
                    t.ShapeRange = null;
                    t.Shape.Clear();
                    t.Shape.AddRange(given[0]);
                    if (given.Count > 1)
                    {
                        t.EnumeratedShapes = new ArrayFeatureType.Types.EnumeratedShapes();
                        foreach (var s in given)
                        {
                            var shape = new ArrayFeatureType.Types.Shape();
                            shape.Shape_.AddRange(s);
                            t.EnumeratedShapes.Shapes.Add(shape);
                        }
                    }
                    site.ReplaceInput(name, feature);
                },
            };
        }
    }
}
