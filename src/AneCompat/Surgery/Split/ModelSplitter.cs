using System.Buffers.Binary;
using AneCompat.Writing;
using AneCompat.Containers;
using AneCompat.Diagnostics;
using AneCompat.Evaluation;
using AneCompat.Graph;
using AneCompat.Output;
using AneCompat.Planning;
using AneCompat.Rules;
using AneCompat.Schema;
using AneCompat.Targets;
using Google.Protobuf;

namespace AneCompat.Surgery.Split;

/// <summary>
/// <c>split</c>: cuts a NeuralNetwork <c>.mlmodel</c> or single-function ML program <c>.mlpackage</c> at the
/// planner's predicted device boundaries (or after ops the user names) and writes, into a fresh folder renamed
/// into place, one model per part and a pipeline chaining them. Before the folder appears, every written model is
/// re-read with our decoders, the pipeline passes <see cref="PipelineValidator"/>, and — where the evaluator
/// covers every op — the pipeline computes what the original computed on seeded random inputs.
/// </summary>
public static class ModelSplitter
{
    public static SplitResult Split(string input, string outputFolder, SplitOptions? options = null)
    {
        options ??= new SplitOptions();
        var source = ModelLocator.Locate(input);
        if (source.Container == ContainerKind.MlModelC)
            throw new SplitRefusedException("compiled .mlmodelc models cannot be split; split the source .mlmodel or .mlpackage");
        var graph = ModelReader.Read(input);
        var root = graph.Root;
        if (root.Family is not (ModelFamily.NeuralNetwork or ModelFamily.MlProgram))
            throw new SplitRefusedException($"only NeuralNetwork and ML program models can be split; this is a {root.ModelType}");

        var chip = options.Target is null ? ChipProfiles.Default
            : ChipProfiles.Find(options.Target) ?? throw new SplitRefusedException($"unknown target '{options.Target}'");
        var plan = Planner.Predict(RuleEngine.Default.Evaluate(graph, chip), options.ComputeUnits);
        var placement = new PlacementLookup(graph, plan, options.By);
        var loaded = LoadedModel.Read(input);
        var parts = root.Family == ModelFamily.MlProgram
            ? MlProgramSplitter.Split(loaded, placement, options)
            : NeuralNetworkSplitter.Split(loaded, placement, options);

        var pipeline = Pipeline(loaded.Spec, parts);
        var errors = PipelineValidator.Validate(pipeline);
        if (errors.Count > 0) throw new SplitRefusedException($"the pipeline would not validate: {errors[0]}");

        var stem = Stem(source.Path);
        var isProgram = root.Family == ModelFamily.MlProgram;
        var pipelineName = $"{stem}.pipeline{(isProgram ? ".mlpackage" : ".mlmodel")}";
        var target = Path.GetFullPath(outputFolder);
        SplitProof? proof = null;
        AtomicFile.WriteDirectory(target, temp =>
        {
            foreach (var part in parts)
            {
                var path = Path.Combine(temp, part.FileName(stem));
                if (part.IsProgram) WritePackage(path, part.Spec, new[] { ("weight.bin", part.Blobs) });
                else File.WriteAllBytes(path, part.Spec.ToByteArray());
            }
            var pipelinePath = Path.Combine(temp, pipelineName);
            if (isProgram) WritePackage(pipelinePath, pipeline, parts.Select(p => ($"{p.Index}-weight.bin", p.Blobs)).ToArray());
            else File.WriteAllBytes(pipelinePath, pipeline.ToByteArray());

            // Everything written must read back with our own decoders before the folder is renamed into place.
            foreach (var part in parts) ModelReader.Read(Path.Combine(temp, part.FileName(stem)));
            ModelReader.Read(pipelinePath);
            proof = Prove(loaded, LoadedModel.Read(pipelinePath), options);
            if (proof.Ran && !(proof.MaxAbsDifference <= Tolerance))
                throw new SplitRefusedException($"the chained sub-models do not compute what the original computes (largest difference {proof.MaxAbsDifference:G3}); nothing written");
        }, replaceExisting: false, protectedPaths: new[] { source.Path });

        return new SplitResult(target, parts, parts.Select(p => Path.Combine(target, p.FileName(stem))).ToList(),
            Path.Combine(target, pipelineName), proof!);
    }

    /// <summary>A split only moves values between models, so the chain must agree exactly; a tiny slack covers
    /// nothing but float formatting.</summary>
    public const double Tolerance = 1e-6;

    public static string Stem(string path)
    {
        var name = Path.GetFileName(path.TrimEnd(Path.DirectorySeparatorChar));
        var ext = Path.GetExtension(name);
        return ext is ".mlmodel" or ".mlpackage" ? name[..^ext.Length] : name;
    }

    /// <summary>A pipeline of the parts, with the original's interface (and its classifier or regressor kind).
    /// ML program members point at their own weight file inside the pipeline package, <c>{i}-weight.bin</c>, as
    /// coremltools' make_pipeline does.</summary>
    public static Model Pipeline(Model original, IReadOnlyList<SubModel> parts)
    {
        var pipeline = new Schema.Pipeline();
        foreach (var part in parts)
        {
            var spec = part.Spec.Clone();
            if (part.IsProgram) PointBlobsAt(spec, $"@model_path/weights/{part.Index}-weight.bin");
            pipeline.Models.Add(spec);
            pipeline.Names.Add($"part{part.Index + 1}-{part.Label.ToLowerInvariant()}");
        }
        var description = original.Description.Clone();
        var model = new Model { SpecificationVersion = parts.Max(p => p.Spec.SpecificationVersion), Description = description };
        switch (original.TypeCase)
        {
            case Model.TypeOneofCase.NeuralNetworkClassifier: model.PipelineClassifier = new PipelineClassifier { Pipeline = pipeline }; break;
            case Model.TypeOneofCase.NeuralNetworkRegressor: model.PipelineRegressor = new PipelineRegressor { Pipeline = pipeline }; break;
            default: model.Pipeline = pipeline; break;
        }
        return model;
    }

    private static void PointBlobsAt(Model spec, string fileName)
    {
        void Visit(Schema.Mil.Value v)
        {
            if (v.ValueCase == Schema.Mil.Value.ValueOneofCase.BlobFileValue) v.BlobFileValue.FileName = fileName;
        }
        void Walk(Schema.Mil.Operation op)
        {
            foreach (var a in op.Attributes.Values) Visit(a);
            foreach (var arg in op.Inputs.Values) foreach (var b in arg.Arguments) if (b.Value is not null) Visit(b.Value);
            foreach (var blk in op.Blocks) foreach (var inner in blk.Operations) Walk(inner);
        }
        foreach (var f in spec.MlProgram.Functions.Values)
            foreach (var block in f.BlockSpecializations.Values)
                foreach (var op in block.Operations) Walk(op);
    }

    /// <summary>Runs the original and the pipeline on the same seeded random inputs and compares every original output.
    /// An op the evaluator does not cover, or a failure evaluating the original itself, leaves the check not run
    /// (with the reason); a failure evaluating the pipeline where the original evaluated is a failed check.</summary>
    public static SplitProof Prove(LoadedModel original, LoadedModel pipeline, SplitOptions options)
    {
        var evaluator = new ModelEvaluator(options.Evaluation);
        double worst = 0;
        for (var seed = 1; seed <= options.ProofSeeds; seed++)
        {
            IReadOnlyDictionary<string, Evaluation.Tensor> inputs, expected, actual;
            try
            {
                inputs = RandomInputs.For(original.Spec.Description, seed);
                expected = evaluator.Evaluate(original, inputs);
            }
            catch (NotCoveredException e) { return new SplitProof(0, e.Message, 0); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new SplitProof(0, $"evaluating the original failed: {e.Message.Split('\n', 2)[0]}", 0);
            }
            try
            {
                actual = evaluator.Evaluate(pipeline, inputs);
            }
            catch (NotCoveredException e) { return new SplitProof(0, e.Message, 0); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new SplitRefusedException($"the chained sub-models fail where the original evaluates ({e.Message.Split('\n', 2)[0]}); nothing written");
            }
            foreach (var output in original.Spec.Description.Output)
            {
                if (!expected.TryGetValue(output.Name, out var e)) continue;
                if (!actual.TryGetValue(output.Name, out var a)) return new SplitProof(seed, null, double.PositiveInfinity);
                var d = TensorMath.MaxAbsDifference(e, a);
                worst = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(worst, d);
            }
        }
        return new SplitProof(options.ProofSeeds, null, worst);
    }

    /// <summary>Writes an .mlpackage holding <paramref name="spec"/> and weight files made of the listed blob copies.</summary>
    private static void WritePackage(string path, Model spec, IReadOnlyList<(string Name, IReadOnlyList<BlobCopy> Blobs)> weightFiles)
    {
        const string author = "com.apple.CoreML";
        var data = Path.Combine(path, "Data", author);
        Directory.CreateDirectory(data);
        File.WriteAllBytes(Path.Combine(data, "model.mlmodel"), spec.ToByteArray());
        var withWeights = weightFiles.Where(w => w.Blobs.Count > 0).ToList();
        if (withWeights.Count > 0)
        {
            Directory.CreateDirectory(Path.Combine(data, "weights"));
            foreach (var (name, blobs) in withWeights)
            {
                using var stream = File.Create(Path.Combine(data, "weights", name));
                WriteWeights(stream, blobs);
            }
        }
        using var manifest = File.Create(Path.Combine(path, "Manifest.json"));
        PackageManifestWriter.Write(manifest, author, Guid.NewGuid().ToString().ToUpperInvariant(),
            withWeights.Count > 0 ? Guid.NewGuid().ToString().ToUpperInvariant() : null);
    }

    /// <summary>MIL blob storage v2: a 64-byte header, then each blob's 64-byte metadata (data offset rewritten)
    /// and its payload, streamed from the original file, each record 64-byte aligned.</summary>
    private static void WriteWeights(Stream output, IReadOnlyList<BlobCopy> blobs)
    {
        Span<byte> header = stackalloc byte[64];
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)blobs.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 2);
        output.Write(header);
        var buffer = new byte[1 << 16];
        var sources = new Dictionary<string, Stream>(StringComparer.Ordinal);
        try
        {
            foreach (var blob in blobs.OrderBy(b => b.NewOffset))
            {
                if (!sources.TryGetValue(blob.SourceFile, out var source))
                    sources[blob.SourceFile] = source = ModelFiles.OpenRead(blob.SourceFile, FileOptions.RandomAccess);
                Pad(output, (long)blob.NewOffset);
                var record = new byte[64];
                source.Position = (long)blob.SourceOffset;
                source.ReadExactly(record);
                var dataOffset = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(16));
                BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(16), blob.NewOffset + 64);
                output.Write(record);
                source.Position = (long)dataOffset;
                var left = (long)blob.Size;
                while (left > 0)
                {
                    var n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (n <= 0) throw new IOException($"{blob.SourceFile}: ends inside a blob");
                    output.Write(buffer, 0, n);
                    left -= n;
                }
            }
        }
        finally
        {
            foreach (var s in sources.Values) s.Dispose();
        }
        Pad(output, (long)MlProgramSplitter.Align((ulong)output.Position));
    }

    private static void Pad(Stream output, long to)
    {
        if (output.Position > to) throw new InvalidOperationException("blob layout overlaps");
        while (output.Position < to) output.WriteByte(0);
    }
}
