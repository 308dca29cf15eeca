using AneCompat.Schema;

namespace AneCompat.Surgery.Split;

/// <summary>A blob to copy into a sub-package's weight file: from the original file at <paramref name="SourceOffset"/>
/// (its metadata record) to <paramref name="NewOffset"/>, <paramref name="Size"/> payload bytes.</summary>
public sealed record BlobCopy(string SourceFile, ulong SourceOffset, ulong NewOffset, ulong Size);

/// <summary>One sub-model of a split: its specification, the device it is cut for, its interface, and (ML programs)
/// the blobs its own weight file holds.</summary>
public sealed record SubModel(int Index, string Label, Model Spec, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs,
    IReadOnlyList<BlobCopy> Blobs)
{
    public bool IsProgram => Spec.TypeCase == Model.TypeOneofCase.MlProgram;

    /// <summary>File or package name inside the output folder, e.g. <c>Model.part1-ane.mlmodel</c>.</summary>
    public string FileName(string stem) => $"{stem}.part{Index + 1}-{Label.ToLowerInvariant()}{(IsProgram ? ".mlpackage" : ".mlmodel")}";
}
