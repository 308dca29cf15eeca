using AneCompat.Registry;

namespace AneCompat.Rules;

/// <summary>
/// A check on single ops (Roslyn-style): it names the op kinds it cares about and the engine calls it only for
/// those. Each check lives in its own file under Rules/Checks and reports through <c>OpContext.Report</c>,
/// so its metadata (effect, confidence, sources, fix) comes from the catalog.
/// </summary>
public interface IOpRule
{
    /// <summary>The descriptors of the rules this check can report (<see cref="Catalog.Descriptors"/>).</summary>
    IReadOnlyList<Catalog.RuleDescriptor> Rules { get; }

    /// <summary>Canonical op kinds (Graph Op.Kind / catalog kind) to run on; empty = every op.</summary>
    IReadOnlyCollection<OpKind> Kinds { get; }

    IEnumerable<Finding> Check(OpContext ctx);
}

/// <summary>A check on a whole model or pipeline member (its type, interface, states, size).</summary>
public interface IModelRule
{
    IReadOnlyList<Catalog.RuleDescriptor> Rules { get; }

    IEnumerable<Finding> Check(ModelContext ctx);
}
