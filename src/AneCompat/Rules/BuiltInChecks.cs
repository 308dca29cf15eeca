namespace AneCompat.Rules;

/// <summary>
/// Every check class in this assembly, found by reflection, so adding a check is adding one file under Rules/Checks
/// (plus its rule's row in rules.json).
/// </summary>
internal static class BuiltInChecks
{
    public static IReadOnlyList<IOpRule> OpRules { get; } = Create<IOpRule>();
    public static IReadOnlyList<IModelRule> ModelRules { get; } = Create<IModelRule>();

    private static List<T> Create<T>() => typeof(BuiltInChecks).Assembly.GetTypes()
        .Where(t => typeof(T).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (T)Activator.CreateInstance(t)!)
        .ToList();
}
