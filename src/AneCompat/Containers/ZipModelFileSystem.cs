using System.Buffers.Binary;
using System.IO.Compression;
using AneCompat.Diagnostics;

namespace AneCompat.Containers;

/// <summary>
/// The entries of a .zip or .ipa as a read-only file system, read in place: nothing is extracted to disk, every
/// read goes through a bounded stream over the entry. Opening refuses, in one line naming the archive, entry names
/// that would leave it (absolute, "..", drive letters, backslashes, NUL — zip-slip), more entries than
/// <see cref="Limits.MaxArchiveEntries"/>, entries or totals over the size limits, and compression ratios of a zip
/// bomb. Symbolic-link entries are left out (they could only point outside the entry list).
/// </summary>
public sealed class ZipModelFileSystem : IModelFileSystem, IDisposable
{
    private readonly Stream _file;
    private readonly ZipArchive _zip;
    private readonly object _lock = new();
    private readonly Dictionary<string, ZipArchiveEntry> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedDictionary<string, bool>> _children = new(StringComparer.Ordinal) { [""] = new(StringComparer.Ordinal) };

    /// <summary>The archive file, absolute: the root of every path inside it.</summary>
    public string ArchivePath { get; }

    /// <summary>Entries left out because they are symbolic links.</summary>
    public IReadOnlyList<string> SkippedLinks => _links;
    private readonly List<string> _links = new();

    private ZipModelFileSystem(string archivePath, Stream file, ZipArchive zip)
    {
        ArchivePath = archivePath;
        _file = file;
        _zip = zip;
    }

    /// <summary>True for a file whose name or first bytes say it is a zip archive (.zip, .ipa, or "PK\x03\x04").</summary>
    public static bool IsArchive(string path)
    {
        if (!File.Exists(path)) return false;
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".zip" or ".ipa") return true;
        if (ext is ".mlmodel") return false;
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            if (s.Length < 4) return false;
            Span<byte> head = stackalloc byte[4];
            s.ReadExactly(head);
            return BinaryPrimitives.ReadUInt32LittleEndian(head) == 0x04034b50;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    public static ZipModelFileSystem Open(string archivePath)
    {
        var full = Path.GetFullPath(archivePath);
        Stream? file = null;
        try
        {
            file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.RandomAccess);
            CheckDirectoryRecord(file, full);
            var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var fs = new ZipModelFileSystem(full, file, zip);
            fs.Index();
            return fs;
        }
        catch (ModelReadException) { file?.Dispose(); throw; }
        catch (InvalidDataException e) { file?.Dispose(); throw new ModelReadException(full, $"not a readable zip archive ({e.Message})"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            file?.Dispose();
            throw new ModelReadException(full, $"cannot read archive: {e.Message}");
        }
    }

    /// <summary>
    /// Reads the end-of-central-directory record before the entry list is parsed, so a hostile count or size is
    /// refused without building it in memory, from the zip64 end record when the archive has one.
    /// </summary>
    private static void CheckDirectoryRecord(Stream file, string path)
    {
        const int eocdSize = 22;
        if (file.Length < eocdSize) throw new ModelReadException(path, "not a zip archive: shorter than its end record");
        var tail = (int)Math.Min(file.Length, eocdSize + ushort.MaxValue);
        var buffer = new byte[tail];
        file.Position = file.Length - tail;
        file.ReadExactly(buffer);
        for (var i = tail - eocdSize; i >= 0; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) != 0x06054b50) continue;
            ulong entries = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i + 10));
            ulong size = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i + 12));
            // Zip64: the 16/32-bit fields say 0xFFFF… and the real values sit in the zip64 end record, which the
            // locator just before this record points at.
            if ((entries == ushort.MaxValue || size == uint.MaxValue) && i >= 20
                && BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i - 20)) == 0x07064b50)
            {
                var at = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(i - 12));
                if (file.Length < 56 || at > (ulong)(file.Length - 56))
                    throw new ModelReadException(path, "not a zip archive: its zip64 end record lies outside the file");
                var record = new byte[56];
                file.Position = (long)at;
                file.ReadExactly(record);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) != 0x06064b50)
                    throw new ModelReadException(path, "not a zip archive: no zip64 end record where its locator points");
                entries = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32));
                size = BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(40));
            }
            if (entries != ushort.MaxValue && entries > Limits.MaxArchiveEntries)
                throw new ModelReadException(path, $"archive has {entries} entries, over the limit of {Limits.MaxArchiveEntries}");
            if (size != uint.MaxValue && size > (ulong)Limits.MaxArchiveDirectoryBytes)
                throw new ModelReadException(path, $"archive's entry list is {size} bytes, over the limit of {Limits.MaxArchiveDirectoryBytes}");
            file.Position = 0;
            return;
        }
        throw new ModelReadException(path, "not a zip archive: no end-of-central-directory record");
    }

    private void Index()
    {
        if (_zip.Entries.Count > Limits.MaxArchiveEntries)
            throw new ModelReadException(ArchivePath, $"archive has {_zip.Entries.Count} entries, over the limit of {Limits.MaxArchiveEntries}");
        long total = 0;
        foreach (var entry in _zip.Entries)
        {
            var name = ConfinedName(entry.FullName);
            var isDir = entry.FullName.EndsWith('/') && entry.Length == 0;
            if (name.Length == 0) continue;
            if (IsLink(entry)) { _links.Add(name); continue; }
            if (entry.Length > Limits.MaxArchiveEntryBytes)
                throw new ModelReadException(ArchivePath, $"entry '{name}' is {entry.Length} bytes uncompressed, over the limit of {Limits.MaxArchiveEntryBytes}");
            total += entry.Length;
            if (total > Limits.MaxArchiveTotalBytes)
                throw new ModelReadException(ArchivePath, $"entries total more than {Limits.MaxArchiveTotalBytes} bytes uncompressed");
            if (entry.Length > Limits.ArchiveRatioFloorBytes && entry.Length / Math.Max(1, entry.CompressedLength) > Limits.MaxArchiveCompressionRatio)
                throw new ModelReadException(ArchivePath, $"entry '{name}' inflates {entry.Length / Math.Max(1, entry.CompressedLength)}:1 ({entry.CompressedLength} to {entry.Length} bytes), over the limit of {Limits.MaxArchiveCompressionRatio}:1 (a zip bomb?)");
            if (isDir) AddDirectory(name);
            else
            {
                if (_files.ContainsKey(name) || _children.ContainsKey(name))
                    throw new ModelReadException(ArchivePath, $"entry '{name}' appears twice");
                _files[name] = entry;
                AddParents(name, isDirectory: false);
            }
        }
    }

    /// <summary>The entry name as a relative path of plain segments, or a refusal naming the entry (zip-slip).</summary>
    private string ConfinedName(string raw)
    {
        string Shown() => raw.Replace("\0", "\\0");
        if (raw.Contains('\0') || raw.Contains('\\'))
            throw new ModelReadException(ArchivePath, $"entry '{Shown()}' has a NUL or backslash in its name; refusing the archive (zip-slip)");
        if (raw.StartsWith('/') || raw.Length >= 2 && raw[1] == ':')
            throw new ModelReadException(ArchivePath, $"entry '{Shown()}' is an absolute path; refusing the archive (zip-slip)");
        var parts = raw.Split('/').Where(p => p.Length > 0 && p != ".").ToList();
        if (parts.Any(p => p == ".."))
            throw new ModelReadException(ArchivePath, $"entry '{Shown()}' uses '..' to leave the archive; refusing the archive (zip-slip)");
        if (parts.Any(p => p.Any(char.IsControl)))
            throw new ModelReadException(ArchivePath, $"entry '{Shown().ReplaceLineEndings(" ")}' has control characters in its name");
        return string.Join('/', parts);
    }

    private static bool IsLink(ZipArchiveEntry e) => ((e.ExternalAttributes >> 16) & 0xF000) == 0xA000;

    private void AddDirectory(string name)
    {
        if (_files.ContainsKey(name)) throw new ModelReadException(ArchivePath, $"entry '{name}' is both a file and a folder");
        _children.TryAdd(name, new SortedDictionary<string, bool>(StringComparer.Ordinal));
        AddParents(name, isDirectory: true);
    }

    private void AddParents(string name, bool isDirectory)
    {
        var cut = name.LastIndexOf('/');
        var parent = cut < 0 ? "" : name[..cut];
        var leaf = cut < 0 ? name : name[(cut + 1)..];
        if (!_children.TryGetValue(parent, out var kids))
        {
            if (_files.ContainsKey(parent)) throw new ModelReadException(ArchivePath, $"entry '{parent}' is both a file and a folder");
            kids = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            _children[parent] = kids;
            AddParents(parent, isDirectory: true);
        }
        kids[leaf] = isDirectory;
    }

    /// <summary>The entry name for a path under the archive, or null when the path is not inside it.</summary>
    private string? Relative(string path)
    {
        var full = Path.GetFullPath(path);
        if (full == ArchivePath) return "";
        if (!full.StartsWith(ArchivePath + Path.DirectorySeparatorChar, StringComparison.Ordinal)) return null;
        return full[(ArchivePath.Length + 1)..].Replace(Path.DirectorySeparatorChar, '/').TrimEnd('/');
    }

    /// <summary>The path of an entry, as decoders and reports see it.</summary>
    public string PathOf(string entryName) =>
        entryName.Length == 0 ? ArchivePath : Path.Combine(ArchivePath, entryName.Replace('/', Path.DirectorySeparatorChar));

    public bool FileExists(string path) => Relative(path) is { } r && _files.ContainsKey(r);

    public bool DirectoryExists(string path) => Relative(path) is { } r && _children.ContainsKey(r);

    public long Length(string path) =>
        Relative(path) is { } r && _files.TryGetValue(r, out var e) ? e.Length : throw new FileNotFoundException($"no entry {path} in the archive");

    public Stream OpenRead(string path, FileOptions options = FileOptions.None)
    {
        if (Relative(path) is not { } r || !_files.TryGetValue(r, out var entry))
            throw new FileNotFoundException($"no entry {path} in the archive");
        return new ZipEntryStream(entry, _lock, path);
    }

    public IReadOnlyList<ModelFileEntry> Enumerate(string dir)
    {
        if (Relative(dir) is not { } r || !_children.TryGetValue(r, out var kids))
            throw new DirectoryNotFoundException($"no folder {dir} in the archive");
        return kids.Select(k => new ModelFileEntry(PathOf(r.Length == 0 ? k.Key : r + "/" + k.Key), k.Key, k.Value, null)).ToList();
    }

    /// <summary>Nothing to check: link entries were left out when the archive was opened.</summary>
    public void EnsureLinksStayInside(string modelDir) { }

    public void Dispose()
    {
        _zip.Dispose();
        _file.Dispose();
    }

    /// <summary>
    /// A seekable read-only view of one entry: inflates forward on demand (a backward seek starts again), never more
    /// bytes than the entry declares, each read under the archive's lock (a ZipArchive is not thread-safe).
    /// </summary>
    private sealed class ZipEntryStream(ZipArchiveEntry entry, object gate, string path) : Stream
    {
        private Stream? _inner;
        private long _innerPosition;
        private long _position;
        private readonly long _length = entry.Length;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => _length;
        public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }

        public override long Seek(long offset, SeekOrigin origin)
        {
            var target = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => _length + offset };
            if (target < 0) throw new IOException($"{path}: seek before the start of the entry");
            _position = target;
            return _position;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= _length || buffer.Length == 0) return 0;
            var want = (int)Math.Min(buffer.Length, _length - _position);
            lock (gate)
            {
                if (_inner is null || _innerPosition > _position)
                {
                    _inner?.Dispose();
                    _inner = entry.Open();
                    _innerPosition = 0;
                }
                var skip = new byte[Math.Min(1 << 16, Math.Max(1, _position - _innerPosition))];
                while (_innerPosition < _position)
                {
                    var n = _inner.Read(skip, 0, (int)Math.Min(skip.Length, _position - _innerPosition));
                    if (n == 0) return 0;
                    _innerPosition += n;
                }
                var read = _inner.Read(buffer[..want]);
                _innerPosition += read;
                _position += read;
                return read;
            }
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) lock (gate) _inner?.Dispose();
            base.Dispose(disposing);
        }
    }
}
