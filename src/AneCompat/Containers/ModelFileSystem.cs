namespace AneCompat.Containers;

/// <summary>
/// The file system models are read from on this flow of execution: the disk unless an archive has been put in
/// place with <see cref="Use"/> (an async-local, so models of different archives can be read in parallel).
/// </summary>
public static class ModelFileSystem
{
    private static readonly AsyncLocal<IModelFileSystem?> Ambient = new();

    public static IModelFileSystem Current => Ambient.Value ?? DirectoryFileSystem.Instance;

    /// <summary>Reads through <paramref name="fs"/> until the returned scope is disposed.</summary>
    public static IDisposable Use(IModelFileSystem fs)
    {
        var previous = Ambient.Value;
        Ambient.Value = fs;
        return new Scope(previous);
    }

    private sealed class Scope(IModelFileSystem? previous) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            Ambient.Value = previous;
        }
    }
}
