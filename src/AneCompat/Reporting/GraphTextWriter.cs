using AneCompat.Diagnostics;
using System.Globalization;
using AneCompat.Graph;

namespace AneCompat.Reporting;

/// <summary>Plain-text dump of a graph: the model tree, its interface, then one line per op.</summary>
public static class GraphTextWriter
{
    public static void Write(ModelGraph graph, TextWriter w)
    {
        w.WriteLine($"{SafeText.Escape(graph.SourcePath)} ({ContainerName(graph.Container)})");
        foreach (var node in graph.Root.SelfAndDescendants())
        {
            var where = node.Path.Length == 0 ? "model" : node.Path;
            var name = node.Name is null ? "" : $" \"{node.Name}\"";
            w.WriteLine($"{SafeText.Escape(where + name)}: {node.ModelType} (spec {node.SpecificationVersion})");
            foreach (var f in node.Interface.Inputs) w.WriteLine($"  input  {SafeText.Escape(f.ToString())}");
            foreach (var f in node.Interface.Outputs) w.WriteLine($"  output {SafeText.Escape(f.ToString())}");
            foreach (var f in node.Interface.States) w.WriteLine($"  state  {SafeText.Escape(f.ToString())}");
        }
        var ops = graph.AllOps().ToList();
        var width = ops.Count == 0 ? 1 : (ops.Count - 1).ToString(CultureInfo.InvariantCulture).Length;
        foreach (var op in ops)
        {
            var output = op.Outputs.Count == 0 ? "-" : string.Join(", ", op.Outputs.Select(o => o.Type.ToString()));
            w.WriteLine($"{op.Index.ToString(CultureInfo.InvariantCulture).PadLeft(width)}  {SafeText.Escape(op.Kind),-24} {SafeText.Escape(op.Source),-28} {SafeText.Escape(output)}  {SafeText.Escape(op.Function)}{(op.Name is null ? "" : " " + SafeText.Escape(op.Name))}");
        }
        w.WriteLine($"{ops.Count} ops");
        foreach (var warning in graph.Warnings) w.WriteLine($"warning: {SafeText.Escape(warning.Message)}");
    }

    public static string ContainerName(ContainerKind c) => c switch
    {
        ContainerKind.MlModel => "mlmodel",
        ContainerKind.MlPackage => "mlpackage",
        ContainerKind.MlModelC => "mlmodelc",
        _ => c.ToString(),
    };
}
