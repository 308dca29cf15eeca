using System.Buffers.Binary;
using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Decoders.Blobs;

/// <summary>
/// Resolves <c>BLOBFILE(path, offset)</c> references of ML programs against MIL blob storage v2 files
/// (<c>weights/weight.bin</c>) by reading only the 64-byte storage header and the 64-byte metadata record at each
/// offset — never the payload. One instance caches open files for one model.
/// </summary>
public sealed class MilBlobReader : IDisposable
{
    private const uint Sentinel = 0xDEADBEEF;
    private const int RecordSize = 64;

    private readonly string _modelPathRoot;
    private readonly List<ReadWarning> _warnings;
    private readonly Dictionary<string, Stream?> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);

    /// <summary>
    /// Each reference's confined path, once per file name: a program names one or two weight files in thousands of
    /// constants, and confinement resolves every link along the path with a system call per component.
    /// </summary>
    private readonly Dictionary<string, string?> _resolved = new(StringComparer.Ordinal);

    /// <param name="modelPathRoot">The folder <c>@model_path</c> stands for (the folder of model.mlmodel or the .mlmodelc).</param>
    public MilBlobReader(string modelPathRoot, List<ReadWarning> warnings)
    {
        _modelPathRoot = Path.GetFullPath(modelPathRoot);
        _warnings = warnings;
    }

    /// <summary>Describes the blob at <paramref name="offset"/> of <paramref name="fileName"/> without reading its data.</summary>
    public WeightRef Resolve(string fileName, ulong offset, ElementType declared)
    {
        var path = ResolvePath(fileName);
        var stream = Open(path, fileName);
        if (stream is null) return new WeightRef(path ?? fileName, offset, declared, null, false);

        if (offset > (ulong)stream.Length || (ulong)stream.Length - offset < RecordSize)
            throw new ModelReadException(path!, $"weight reference at offset {offset} points past the end of the file ({stream.Length} bytes)");

        Span<byte> rec = stackalloc byte[RecordSize];
        stream.Position = (long)offset;
        stream.ReadExactly(rec);
        var sentinel = BinaryPrimitives.ReadUInt32LittleEndian(rec);
        if (sentinel != Sentinel)
            throw new ModelReadException(path!, $"no blob metadata (0xDEADBEEF) at offset {offset}");
        var dtype = FromBlobType(BinaryPrimitives.ReadUInt32LittleEndian(rec[4..]));
        var size = BinaryPrimitives.ReadUInt64LittleEndian(rec[8..]);
        var dataOffset = BinaryPrimitives.ReadUInt64LittleEndian(rec[16..]);
        if (dataOffset > (ulong)stream.Length || size > (ulong)stream.Length - dataOffset)
            throw new ModelReadException(path!, $"blob at offset {offset} claims {size} bytes at {dataOffset}, beyond the file's {stream.Length} bytes");
        return new WeightRef(path!, offset, dtype == ElementType.Unknown ? declared : dtype, (long)size, true);
    }

    /// <summary>
    /// Maps <c>@model_path/…</c> to a path inside the model folder. References that leave the folder are refused.
    /// </summary>
    private string? ResolvePath(string fileName)
    {
        if (_resolved.TryGetValue(fileName, out var known)) return known;
        var resolved = ConfinedPath(fileName);
        _resolved[fileName] = resolved;
        return resolved;
    }

    private string? ConfinedPath(string fileName)
    {
        const string prefix = "@model_path/";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal))
            throw new ModelReadException(_modelPathRoot, $"weight file reference '{fileName}' does not start with @model_path/");
        var relative = fileName[prefix.Length..];
        return PathConfinement.Resolve(_modelPathRoot, relative, "weight file reference");
    }

    private Stream? Open(string? path, string fileName)
    {
        if (path is null) return null;
        if (_open.TryGetValue(path, out var s)) return s;
        Stream? stream = null;
        if (ModelFiles.Exists(path))
        {
            try
            {
                stream = ModelFiles.OpenRead(path, FileOptions.RandomAccess);
                CheckStorageHeader(stream, path);
            }
            catch (IOException e)
            {
                throw new ModelReadException(path, $"cannot read weight file: {e.Message}");
            }
            catch (UnauthorizedAccessException)
            {
                throw new ModelReadException(path, "permission denied reading weight file");
            }
        }
        else if (_warned.Add(path))
        {
            _warnings.Add(new ReadWarning("weights-missing",
                $"weight file {fileName} is missing ({path}); the graph is complete, weight sizes are unknown"));
        }
        _open[path] = stream;
        return stream;
    }

    private static void CheckStorageHeader(Stream stream, string path)
    {
        if (stream.Length < RecordSize)
            throw new ModelReadException(path, $"weight file is {stream.Length} bytes, shorter than its 64-byte header");
        Span<byte> header = stackalloc byte[RecordSize];
        stream.ReadExactly(header);
        var version = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (version != 2)
            throw new ModelReadException(path, $"weight file has blob storage version {version}; only version 2 is known");
    }

    public static ElementType FromBlobType(uint code) => code switch
    {
        1 => ElementType.Float16, 2 => ElementType.Float32, 3 => ElementType.UInt8, 4 => ElementType.Int8,
        5 => ElementType.BFloat16, 6 => ElementType.Int16, 7 => ElementType.UInt16, 8 => ElementType.Int4,
        9 => ElementType.UInt1, 10 => ElementType.UInt2, 11 => ElementType.UInt4, 12 => ElementType.UInt3,
        13 => ElementType.UInt6, 14 => ElementType.Int32, 15 => ElementType.UInt32,
        16 => ElementType.Float8E4M3FN, 17 => ElementType.Float8E5M2,
        _ => ElementType.Unknown,
    };

    public void Dispose()
    {
        foreach (var s in _open.Values) s?.Dispose();
        _open.Clear();
    }
}
