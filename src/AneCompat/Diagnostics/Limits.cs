namespace AneCompat.Diagnostics;

/// <summary>
/// Bounds on everything read from a file, so hostile input fails with a clear error instead of a hang or
/// unbounded memory. Each is checked where the corresponding structure is read.
/// </summary>
public static class Limits
{
    /// <summary>Protobuf message nesting (pipelines in pipelines, loop bodies in loops, MIL blocks).</summary>
    public const int MaxProtobufDepth = 100;
    /// <summary>Pipeline nesting depth.</summary>
    public const int MaxPipelineDepth = 16;
    /// <summary>Members of one pipeline.</summary>
    public const int MaxPipelineMembers = 1_000;
    /// <summary>
    /// Ops (layers, ML program operations) over the whole model. Read, analysed and written, an op costs about 3 KB
    /// at peak, so 250,000 ops stay under 1 GB (docs/robustness.md, "Bounds before building"); the largest real
    /// models known (diffusion UNets, multi-function LLMs) have tens of thousands.
    /// </summary>
    public const int MaxOps = 250_000;
    /// <summary>Functions of one ML program.</summary>
    public const int MaxFunctions = 10_000;
    /// <summary>
    /// Protobuf messages in one model file. Each costs 100–250 bytes once parsed, against 2 bytes on disk for an
    /// empty one, so the structure-size limit alone would let a small file expand to many gigabytes.
    /// </summary>
    public const int MaxProtobufMessages = 10_000_000;
    /// <summary>Structure bytes kept after weights are elided from a protobuf model (.mlmodel).</summary>
    public const long MaxStructureBytes = 512L * 1024 * 1024;
    /// <summary>Size of a model.mil text file.</summary>
    public const long MaxMilTextBytes = 512L * 1024 * 1024;
    /// <summary>One line of model.mil.</summary>
    public const int MaxMilLineLength = 16 * 1024 * 1024;
    /// <summary>Nesting of blocks and brackets in model.mil.</summary>
    public const int MaxMilNesting = 256;
    /// <summary>Manifest.json size.</summary>
    public const long MaxManifestBytes = 1024 * 1024;
    /// <summary>metadata.json size.</summary>
    public const long MaxMetadataJsonBytes = 64L * 1024 * 1024;
    /// <summary>
    /// model.espresso.net / model.espresso.shape size. A real espresso layer is about 0.4–0.5 KB of JSON, so 128 MiB
    /// holds more layers than <see cref="MaxOps"/>; held in memory with its token index (<see cref="MaxJsonTokens"/>)
    /// it stays a few hundred MB (docs/robustness.md, "Bounds before building").
    /// </summary>
    public const long MaxEspressoJsonBytes = 128L * 1024 * 1024;
    /// <summary>
    /// Tokens of one JSON file, counted in a forward pass before the document is built: the document's index costs
    /// 12 bytes a token, so 16 M tokens are 192 MB at most. A real espresso layer has about 30–60 tokens, so the
    /// bound allows more than <see cref="MaxOps"/> layers.
    /// </summary>
    public const long MaxJsonTokens = 16_000_000;
    /// <summary>Entries of the blob table at the start of model.espresso.weights.</summary>
    public const int MaxEspressoWeightBlobs = 4_000_000;
    /// <summary>JSON nesting depth for every JSON file we read.</summary>
    public const int MaxJsonDepth = 64;
    /// <summary>coremldata.bin size (it holds only a description).</summary>
    public const long MaxCoreMLDataBytes = 64L * 1024 * 1024;
    /// <summary>
    /// Folders visited when scanning a folder or bundle for models: bounds the walk of a huge tree (<c>anecompat /</c>)
    /// to seconds. An app bundle has hundreds; a monorepo's model folder thousands.
    /// </summary>
    public const int MaxFoldersVisited = 100_000;
    /// <summary>Models found when scanning a folder or bundle.</summary>
    public const int MaxModelsInFolder = 10_000;
    /// <summary>Files and folders inspected inside one .mlpackage or .mlmodelc when checking its links.</summary>
    public const int MaxEntriesInModelFolder = 100_000;
    /// <summary>Elements kept from one inline constant (larger constants are counted, not kept).</summary>
    public const int MaxInlineConstantElements = 4096;
    /// <summary>
    /// Characters of one path named inside a model (Manifest.json item path, BLOBFILE / @model_path reference,
    /// espresso storage), checked before the path is split or resolved. Linux's PATH_MAX.
    /// </summary>
    public const int MaxPathLength = 4096;
    /// <summary>
    /// Components of one path named inside a model. With <see cref="MaxPathLength"/> this bounds the work of
    /// resolving it (one link lookup per component), however the path is built.
    /// </summary>
    public const int MaxPathComponents = 256;
    /// <summary>Symbolic links followed while resolving one path before it counts as a loop (the kernel's ELOOP bound).</summary>
    public const int MaxLinkHops = 40;

    // Archives (.zip, .ipa) are read in place; these bound what a hostile archive can make us inflate or list.
    /// <summary>Entries of one archive.</summary>
    public const int MaxArchiveEntries = 50_000;
    /// <summary>Bytes of an archive's central directory (the entry list), checked before it is parsed.</summary>
    public const long MaxArchiveDirectoryBytes = 64L * 1024 * 1024;
    /// <summary>Uncompressed size of one archive entry.</summary>
    public const long MaxArchiveEntryBytes = 4L * 1024 * 1024 * 1024;
    /// <summary>Uncompressed size of all entries of one archive together.</summary>
    public const long MaxArchiveTotalBytes = 32L * 1024 * 1024 * 1024;
    /// <summary>Uncompressed-to-compressed ratio above which an entry is taken for a zip bomb (model files compress far less).</summary>
    public const int MaxArchiveCompressionRatio = 200;
    /// <summary>Entries smaller than this are not judged by their ratio (small text files compress very well).</summary>
    public const long ArchiveRatioFloorBytes = 1024 * 1024;
}
