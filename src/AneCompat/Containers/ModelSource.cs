using AneCompat.Graph;

namespace AneCompat.Containers;

/// <summary>What a path turned out to be, and where the parts the decoders need are.</summary>
/// <param name="Path">The path as the user gave it (made absolute).</param>
/// <param name="Container">The on-disk form.</param>
/// <param name="SpecFile">The protobuf model file (.mlmodel, or the package's root model); null for compiled models.</param>
/// <param name="ModelPathRoot">The folder <c>@model_path</c> stands for in weight references.</param>
public sealed record ModelSource(string Path, ContainerKind Container, string? SpecFile, string ModelPathRoot);
