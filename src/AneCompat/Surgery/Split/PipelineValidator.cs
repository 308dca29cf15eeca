using AneCompat.Schema;

namespace AneCompat.Surgery.Split;

/// <summary>
/// Our own check of the pipeline rules Core ML's validator applies (surgery.md §2.3): at least one model; every
/// sub-model input is a pipeline input or an earlier sub-model's output of the same name and an equivalent type
/// (multi-arrays: same data type and rank, same shape unless either is flexible; images: same size and colour
/// space); every pipeline output exists with an equivalent type; names, if given, one per model and unique;
/// specification versions: the pipeline's at least every sub-model's, ML programs ≥ 6, fp16 features ≥ 7.
/// </summary>
public static class PipelineValidator
{
    public static IReadOnlyList<string> Validate(Model model)
    {
        var errors = new List<string>();
        var pipeline = model.TypeCase switch
        {
            Model.TypeOneofCase.Pipeline => model.Pipeline,
            Model.TypeOneofCase.PipelineClassifier => model.PipelineClassifier.Pipeline,
            Model.TypeOneofCase.PipelineRegressor => model.PipelineRegressor.Pipeline,
            _ => null,
        };
        if (pipeline is null) return new[] { "not a pipeline model" };
        if (pipeline.Models.Count == 0) errors.Add("a pipeline needs at least one model");
        if (pipeline.Names.Count > 0 && (pipeline.Names.Count != pipeline.Models.Count || pipeline.Names.Distinct().Count() != pipeline.Names.Count))
            errors.Add("pipeline names must be one per model and unique");

        var available = new Dictionary<string, FeatureType>(StringComparer.Ordinal);
        foreach (var i in model.Description.Input) available[i.Name] = i.Type;
        for (var m = 0; m < pipeline.Models.Count; m++)
        {
            var sub = pipeline.Models[m];
            if (sub.SpecificationVersion > model.SpecificationVersion)
                errors.Add($"model {m + 1} has spec {sub.SpecificationVersion}, above the pipeline's {model.SpecificationVersion}");
            if (sub.TypeCase == Model.TypeOneofCase.MlProgram && sub.SpecificationVersion < 6)
                errors.Add($"model {m + 1} is an ML program with spec {sub.SpecificationVersion} < 6");
            foreach (var f in sub.Description.Input.Concat(sub.Description.Output))
                if (f.Type?.MultiArrayType?.DataType == ArrayFeatureType.Types.ArrayDataType.Float16 && sub.SpecificationVersion < 7)
                    errors.Add($"model {m + 1} feature '{f.Name}' is fp16, which needs spec ≥ 7");
            foreach (var input in sub.Description.Input)
            {
                if (!available.TryGetValue(input.Name, out var type))
                    errors.Add($"model {m + 1} input '{input.Name}' is neither a pipeline input nor an earlier model's output");
                else if (Mismatch(type, input.Type) is { } why)
                    errors.Add($"model {m + 1} input '{input.Name}' does not match the type previously specified: {why}");
            }
            foreach (var output in sub.Description.Output) available[output.Name] = output.Type;
        }
        foreach (var output in model.Description.Output)
        {
            if (!available.TryGetValue(output.Name, out var type))
                errors.Add($"pipeline output '{output.Name}' is produced by no model");
            else if (Mismatch(type, output.Type) is { } why)
                errors.Add($"pipeline output '{output.Name}' does not match its producer: {why}");
        }
        return errors;
    }

    /// <summary>Why two feature types are not equivalent, or null when they are.</summary>
    public static string? Mismatch(FeatureType a, FeatureType b)
    {
        if (a.TypeCase != b.TypeCase) return $"{a.TypeCase} vs {b.TypeCase}";
        switch (a.TypeCase)
        {
            case FeatureType.TypeOneofCase.MultiArrayType:
            {
                var x = a.MultiArrayType; var y = b.MultiArrayType;
                if (x.DataType != y.DataType) return $"data type {x.DataType} vs {y.DataType}";
                if (x.Shape.Count == 0 || y.Shape.Count == 0) return null;
                if (x.Shape.Count != y.Shape.Count) return $"rank {x.Shape.Count} vs {y.Shape.Count}";
                var flexible = x.ShapeFlexibilityCase != ArrayFeatureType.ShapeFlexibilityOneofCase.None
                               || y.ShapeFlexibilityCase != ArrayFeatureType.ShapeFlexibilityOneofCase.None;
                return flexible || x.Shape.SequenceEqual(y.Shape) ? null
                    : $"shape [{string.Join(", ", x.Shape)}] vs [{string.Join(", ", y.Shape)}]";
            }
            case FeatureType.TypeOneofCase.ImageType:
            {
                var x = a.ImageType; var y = b.ImageType;
                if (x.ColorSpace != y.ColorSpace) return $"colour space {x.ColorSpace} vs {y.ColorSpace}";
                return x.Width == y.Width && x.Height == y.Height ? null : $"image {x.Width}×{x.Height} vs {y.Width}×{y.Height}";
            }
            default: return null;
        }
    }
}
