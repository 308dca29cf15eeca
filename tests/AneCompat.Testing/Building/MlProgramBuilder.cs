using AneCompat.Output;
using AneCompat.Schema;
using AneCompat.Schema.Mil;
using Google.Protobuf;

namespace AneCompat.Building;

/// <summary>
/// Builds an ML program model (formats.md §a.10): functions with typed inputs and states, ops, consts inline or in a
/// blob storage v2 weight file. Writes an <c>.mlpackage</c> (Manifest.json + model.mlmodel + weights/weight.bin,
/// §b) or, for cases that only need the specification, a bare <c>.mlmodel</c> whose weight references point to a
/// file that is not written.
/// </summary>
public sealed class MlProgramBuilder
{
    /// <summary>ML programs need spec ≥ 6; 8 (iOS 17) is what current coremltools writes by default.</summary>
    public const int DefaultSpecificationVersion = 8;

    public const string DefaultAuthor = "com.apple.CoreML";

    private int _specificationVersion = DefaultSpecificationVersion;
    private readonly MilBlobStorage _blobs = new();
    private readonly List<MilFunctionBuilder> _functions = new();
    private readonly List<KeyValuePair<string, Value>> _attributes = new();
    private readonly Schema.Metadata _metadata = new();
    private string? _defaultFunction;
    private string? _rootIdentifier;
    private string? _weightsIdentifier;

    public MlProgramBuilder SpecificationVersion(int version)
    {
        _specificationVersion = version;
        return this;
    }

    /// <summary>The opset a function uses unless it names one: CoreML(spec − 1), e.g. CoreML7 for spec 8.</summary>
    public string DefaultOpset => $"CoreML{_specificationVersion - 1}";

    public MlProgramBuilder Function(string name, Action<MilFunctionBuilder> fill)
    {
        if (_functions.Any(f => f.Name == name))
            throw new ArgumentException($"function '{name}' is defined twice", nameof(name));
        var function = new MilFunctionBuilder(name, _blobs);
        fill(function);
        _functions.Add(function);
        return this;
    }

    /// <summary>The function run by default in a multi-function model (the first one if not set).</summary>
    public MlProgramBuilder DefaultFunction(string name)
    {
        _defaultFunction = name;
        return this;
    }

    /// <summary>A program-level attribute (coremltools stores its <c>buildInfo</c> this way).</summary>
    public MlProgramBuilder Attribute(string key, Value value)
    {
        _attributes.Add(new(key, value));
        return this;
    }

    public MlProgramBuilder UserMetadata(string key, string value)
    {
        _metadata.UserDefined[key] = value;
        return this;
    }

    /// <summary>Fixes the Manifest.json item identifiers (normally fresh upper-case UUIDs), e.g. to test lower-case ones.</summary>
    public MlProgramBuilder PackageIdentifiers(string rootModel, string weights)
    {
        _rootIdentifier = rootModel;
        _weightsIdentifier = weights;
        return this;
    }

    /// <summary>Number of blobs in the weight file.</summary>
    public int BlobCount => _blobs.Count;

    public Model Build()
    {
        if (_functions.Count == 0) throw new InvalidOperationException("an ML program needs at least one function");
        var program = new Schema.Mil.Program { Version = 1 };
        foreach (var (key, value) in _attributes) program.Attributes.Add(key, value);
        var description = new ModelDescription();
        if (_metadata.UserDefined.Count > 0) description.Metadata = _metadata.Clone();

        foreach (var f in _functions)
        {
            var function = f.Function.Clone();
            var opset = f.OpsetOverride ?? DefaultOpset;
            function.Opset = opset;
            function.BlockSpecializations.Add(opset, f.Block.Clone());
            program.Functions.Add(f.Name, function);
        }

        if (_functions.Count == 1)
        {
            var f = _functions[0];
            description.Input.AddRange(Inputs(f));
            description.Output.AddRange(Outputs(f));
            description.State.AddRange(States(f));
        }
        else
        {
            foreach (var f in _functions)
            {
                var fd = new FunctionDescription { Name = f.Name };
                fd.Input.AddRange(Inputs(f));
                fd.Output.AddRange(Outputs(f));
                fd.State.AddRange(States(f));
                description.Functions.Add(fd);
            }
            description.DefaultFunctionName = _defaultFunction ?? _functions[0].Name;
        }
        return new Model { SpecificationVersion = _specificationVersion, Description = description, MlProgram = program };
    }

    /// <summary>Writes the specification alone as an <c>.mlmodel</c>; blob references point to a weight file it does not write.</summary>
    public void WriteModel(string path, IEnumerable<string>? protectedPaths = null)
    {
        var model = Build();
        AtomicFile.Write(path, model.WriteTo, protectedPaths);
    }

    /// <summary>Writes the weight file alone (MIL blob storage v2).</summary>
    public void WriteWeights(string path, IEnumerable<string>? protectedPaths = null) =>
        AtomicFile.Write(path, _blobs.WriteTo, protectedPaths);

    /// <summary>
    /// Writes an <c>.mlpackage</c>: the model and weights under <c>Data/<paramref name="author"/>/</c> and a
    /// Manifest.json pointing at them. The package is assembled in a temporary folder and renamed into place.
    /// </summary>
    /// <param name="includeWeightFile">False leaves the weight file out (to build packages with missing weights).</param>
    public void WritePackage(string path, string author = DefaultAuthor, bool replaceExisting = false,
        IEnumerable<string>? protectedPaths = null, bool includeWeightFile = true)
    {
        var model = Build();
        var writeWeights = includeWeightFile && _blobs.Count > 0;
        AtomicFile.WriteDirectory(path, temp =>
        {
            var modelDir = Path.Combine(temp, "Data", author);
            Directory.CreateDirectory(modelDir);
            using (var s = File.Create(Path.Combine(modelDir, "model.mlmodel"))) model.WriteTo(s);
            if (writeWeights)
            {
                Directory.CreateDirectory(Path.Combine(modelDir, "weights"));
                using var s = File.Create(Path.Combine(modelDir, "weights", "weight.bin"));
                _blobs.WriteTo(s);
            }
            var rootId = _rootIdentifier ?? Guid.NewGuid().ToString().ToUpperInvariant();
            var weightsId = _weightsIdentifier ?? Guid.NewGuid().ToString().ToUpperInvariant();
            using var manifest = File.Create(Path.Combine(temp, "Manifest.json"));
            PackageManifestWriter.Write(manifest, author, rootId, writeWeights ? weightsId : null);
        }, replaceExisting, protectedPaths);
    }

    public byte[] ToBytes() => Build().ToByteArray();

    private static IEnumerable<FeatureDescription> Inputs(MilFunctionBuilder f) =>
        f.Function.Inputs.Where(i => i.Type.TypeCase != Schema.Mil.ValueType.TypeOneofCase.StateType)
            .Select(i => Feature(f, i.Name, i.Type));

    private static IEnumerable<FeatureDescription> States(MilFunctionBuilder f) =>
        f.Function.Inputs.Where(i => i.Type.TypeCase == Schema.Mil.ValueType.TypeOneofCase.StateType)
            .Select(i => Feature(f, i.Name, i.Type));

    private static IEnumerable<FeatureDescription> Outputs(MilFunctionBuilder f) =>
        f.Block.Outputs.Select(name => f.TryGetType(name, out var type)
            ? Feature(f, name, type)
            : throw new InvalidOperationException($"function '{f.Name}' outputs '{name}', which no op or input defines"));

    private static FeatureDescription Feature(MilFunctionBuilder f, string name, Schema.Mil.ValueType type) =>
        new() { Name = name, Type = f.Descriptions.TryGetValue(name, out var described) ? described.Clone() : Describe(name, type) };

    /// <summary>How a MIL input/output type appears in the model description: unknown dimensions become unbounded ranges.</summary>
    private static FeatureType Describe(string name, Schema.Mil.ValueType type)
    {
        if (type.TypeCase == Schema.Mil.ValueType.TypeOneofCase.StateType)
        {
            var wrapped = Describe(name, type.StateType.WrappedType);
            return new FeatureType { StateType = new StateFeatureType { ArrayType = wrapped.MultiArrayType } };
        }
        if (type.TypeCase != Schema.Mil.ValueType.TypeOneofCase.TensorType)
            throw new InvalidOperationException($"'{name}' is a {type.TypeCase}; describe it with Describe()");
        var dataType = type.TensorType.DataType switch
        {
            DataType.Float32 => ArrayFeatureType.Types.ArrayDataType.Float32,
            DataType.Float16 => ArrayFeatureType.Types.ArrayDataType.Float16,
            DataType.Float64 => ArrayFeatureType.Types.ArrayDataType.Double,
            DataType.Int32 => ArrayFeatureType.Types.ArrayDataType.Int32,
            DataType.Int8 => ArrayFeatureType.Types.ArrayDataType.Int8,
            var other => throw new InvalidOperationException($"'{name}' has type {other}, which a model input or output cannot have"),
        };
        var shape = MilTypes.Shape(type);
        if (shape.All(d => d >= 0)) return FeatureTypes.MultiArray(shape, dataType);
        return FeatureTypes.MultiArrayRanged(shape.Select(d => d < 0 ? 1L : d).ToArray(),
            shape.Select(d => d < 0 ? (1UL, -1L) : ((ulong)d, d)), dataType);
    }
}
