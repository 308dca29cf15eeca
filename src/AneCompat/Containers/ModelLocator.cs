using AneCompat.Diagnostics;
using AneCompat.Graph;

namespace AneCompat.Containers;

/// <summary>
/// Decides cheaply what a path is — an <c>.mlmodel</c> file, an <c>.mlpackage</c>, a compiled <c>.mlmodelc</c> — from
/// a few bytes and file names, before anything is decoded. Folders and app bundles are searched for models.
/// </summary>
public static class ModelLocator
{
    public static ModelSource Locate(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
            throw new ModelReadException(path.Length == 0 ? "(empty path)" : path.Replace("\0", "\\0"), "not a usable path");
        var full = System.IO.Path.GetFullPath(path);
        var fs = ModelFileSystem.Current;
        if (fs.FileExists(full)) return LocateFile(full);
        if (fs.DirectoryExists(full))
        {
            if (IsPackage(full))
            {
                fs.EnsureLinksStayInside(full);
                var root = PackageManifest.ResolveRootModel(full);
                return new ModelSource(full, ContainerKind.MlPackage, root, System.IO.Path.GetDirectoryName(root)!);
            }
            if (IsCompiledModel(full))
            {
                fs.EnsureLinksStayInside(full);
                return new ModelSource(full, ContainerKind.MlModelC, null, full);
            }
            throw new ModelReadException(full, "folder is not a model (no Manifest.json, coremldata.bin, model.mil or model.espresso.net); 'anecompat FOLDER' analyses every model inside a folder");
        }
        throw new ModelReadException(full, "no such file or folder");
    }

    /// <summary>A folder that is itself one model (a package or a compiled model), as opposed to a folder of models.</summary>
    public static bool IsModelFolder(string dir) => IsPackage(dir) || IsCompiledModel(dir);

    private static bool IsPackage(string dir) => ModelFileSystem.Current.FileExists(System.IO.Path.Combine(dir, "Manifest.json"));

    /// <summary>A compiled model folder holds its description, a MIL program, an espresso net or compiled members.</summary>
    public static bool IsCompiledModel(string dir)
    {
        var fs = ModelFileSystem.Current;
        return fs.FileExists(System.IO.Path.Combine(dir, "coremldata.bin"))
            || fs.FileExists(System.IO.Path.Combine(dir, "model.mil"))
            || fs.FileExists(System.IO.Path.Combine(dir, "model.espresso.net"));
    }

    private static ModelSource LocateFile(string full)
    {
        var name = System.IO.Path.GetFileName(full);
        if (name.Equals("Manifest.json", StringComparison.OrdinalIgnoreCase))
            return Locate(System.IO.Path.GetDirectoryName(full)!);
        if (name is "model.mil" or "model.espresso.net" or "coremldata.bin" or "metadata.json")
            return Locate(System.IO.Path.GetDirectoryName(full)!);
        MlModelFileCheck.EnsureLooksLikeModel(full);
        return new ModelSource(full, ContainerKind.MlModel, full, System.IO.Path.GetDirectoryName(full)!);
    }

    /// <summary>
    /// Every model under a folder, app bundle or archive (through <see cref="ModelFileSystem.Current"/>): .mlmodel
    /// files, .mlpackage and .mlmodelc folders (a model folder is not searched further), in a stable order.
    /// Symbolic links are followed when they stay inside the folder; a link to a model outside it is not followed
    /// and is listed in <paramref name="refused"/> with the reason.
    /// </summary>
    public static IReadOnlyList<string> FindModels(string folder, List<(string Path, string Problem)>? refused = null) =>
        Scan(folder, refused).Models;

    /// <summary>What a folder scan found: the models, and the folders it could not list (reported, not skipped silently).</summary>
    public sealed record FolderScan(IReadOnlyList<string> Models, IReadOnlyList<UnreadableFolder> UnreadableFolders);

    /// <summary>A folder under the scanned one that could not be listed, and why.</summary>
    public sealed record UnreadableFolder(string Path, string Problem);

    /// <summary>
    /// <see cref="FindModels"/> with the folders that could not be listed. The walk is bounded: more than
    /// <see cref="Limits.MaxFoldersVisited"/> folders (e.g. <c>anecompat /</c>) or <see cref="Limits.MaxModelsInFolder"/>
    /// models refuse the folder instead of walking on.
    /// </summary>
    public static FolderScan Scan(string folder, List<(string Path, string Problem)>? refused = null) =>
        Scan(folder, refused, ModelFileSystem.Current is DirectoryFileSystem ? () => KernelFileSystems.MountPoints : () => new Dictionary<string, string>());

    internal static FolderScan Scan(string folder, List<(string Path, string Problem)>? refused, IReadOnlyDictionary<string, string> kernelMounts) =>
        Scan(folder, refused, () => kernelMounts);

    /// <param name="kernelMounts">
    /// Mount points of kernel file systems (mount point → type), not descended into; asked for only when the scan
    /// meets a sub-folder, so a folder holding model files alone never reads /proc/self/mountinfo.
    /// </param>
    private static FolderScan Scan(string folder, List<(string Path, string Problem)>? refused, Func<IReadOnlyDictionary<string, string>> kernelMounts)
    {
        var fs = ModelFileSystem.Current;
        var found = new List<string>();
        var unreadable = new List<UnreadableFolder>();
        var pending = new Stack<string>();
        var top = System.IO.Path.GetFullPath(folder);
        var onDisk = fs is DirectoryFileSystem;
        var realTop = onDisk ? PathConfinement.RealPath(top) : top;
        var visited = new HashSet<string>(StringComparer.Ordinal) { realTop };
        var folders = 0;
        pending.Push(top);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            if (++folders > Limits.MaxFoldersVisited)
                throw new ModelReadException(top, $"more than {Limits.MaxFoldersVisited} folders under this folder; point anecompat at the folder that holds the models");
            IReadOnlyList<ModelFileEntry> entries;
            try { entries = fs.Enumerate(dir); }
            catch (UnauthorizedAccessException) { unreadable.Add(new UnreadableFolder(dir, "cannot list this folder: permission denied")); continue; }
            catch (IOException e) { unreadable.Add(new UnreadableFolder(dir, $"cannot list this folder: {e.Message}")); continue; }
            var subdirs = new List<string>();
            foreach (var e in entries)
            {
                var isDirectory = e.IsDirectory;
                if (e.LinkTarget is not null)
                {
                    var real = PathConfinement.RealPath(e.FullPath);
                    if (!IsUnder(realTop, real))
                    {
                        if (LooksLikeModel(e.Name) || LooksLikeModel(real))
                            refused?.Add((e.FullPath, $"symbolic link to {real}, outside {top}; not followed"));
                        continue;
                    }
                    isDirectory = Directory.Exists(real);
                    if (!isDirectory && !File.Exists(real)) continue;  // dangling
                    if (isDirectory && !visited.Add(real)) continue;   // a loop, or a folder seen already
                }
                if (isDirectory && kernelMounts().TryGetValue(e.FullPath, out var kind))
                {
                    refused?.Add((e.FullPath, $"{kind} is a kernel file system; not searched for models"));
                    continue;
                }
                if (isDirectory)
                {
                    if (IsPackage(e.FullPath) || e.Name.EndsWith(".mlmodelc", StringComparison.OrdinalIgnoreCase) && IsCompiledModel(e.FullPath))
                        found.Add(e.FullPath);
                    else
                        subdirs.Add(e.FullPath);
                }
                else if (e.Name.EndsWith(".mlmodel", StringComparison.OrdinalIgnoreCase))
                    found.Add(e.FullPath);
                if (found.Count > Limits.MaxModelsInFolder)
                    throw new ModelReadException(folder, $"more than {Limits.MaxModelsInFolder} models under this folder");
            }
            for (var i = subdirs.Count - 1; i >= 0; i--) pending.Push(subdirs[i]);
        }
        return new FolderScan(found, unreadable);
    }

    /// <summary>A name a model file or folder has (.mlmodel, .mlpackage, .mlmodelc).</summary>
    internal static bool LooksLikeModel(string name) =>
        name.EndsWith(".mlmodel", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".mlpackage", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith(".mlmodelc", StringComparison.OrdinalIgnoreCase);

    private static bool IsUnder(string root, string path)
    {
        var r = root.TrimEnd(System.IO.Path.DirectorySeparatorChar) + System.IO.Path.DirectorySeparatorChar;
        return path == root.TrimEnd(System.IO.Path.DirectorySeparatorChar) || path.StartsWith(r, StringComparison.Ordinal);
    }
}
