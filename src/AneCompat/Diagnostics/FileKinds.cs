using System.Runtime.InteropServices;

namespace AneCompat.Diagnostics;

/// <summary>What is at a path, without following a final symbolic link and without opening it.</summary>
public enum FileKind
{
    Missing,
    RegularFile,
    Directory,
    SymbolicLink,
    /// <summary>A FIFO, socket, character or block device: opening one can block or read a device.</summary>
    Special,
}

/// <summary>
/// Tells regular files from FIFOs, sockets and devices, which <see cref="FileAttributes"/> does not on Unix. Uses the
/// runtime's own native shim (libSystem.Native, present in every .NET runtime and linked into NativeAOT builds),
/// whose status record starts with two 32-bit fields: flags, then the mode with the POSIX file-type bits.
/// </summary>
public static class FileKinds
{
    private const int TypeMask = 0xF000;
    private const int FifoType = 0x1000, CharDeviceType = 0x2000, DirectoryType = 0x4000, BlockDeviceType = 0x6000,
        RegularType = 0x8000, LinkType = 0xA000, SocketType = 0xC000;

    public static FileKind Of(string path)
    {
        if (OperatingSystem.IsWindows()) return Fallback(path);
        try
        {
            // The record is ~140 bytes in current runtimes; a larger buffer keeps a future field from overrunning it.
            var status = new byte[512];
            if (LStat(path, status) != 0) return FileKind.Missing;
            var mode = BitConverter.ToInt32(status, 4);
            return (mode & TypeMask) switch
            {
                RegularType => FileKind.RegularFile,
                DirectoryType => FileKind.Directory,
                LinkType => FileKind.SymbolicLink,
                FifoType or CharDeviceType or BlockDeviceType or SocketType => FileKind.Special,
                _ => FileKind.Special,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return Fallback(path);
        }
    }

    /// <summary>Without the shim: links and folders are still told apart; anything else counts as a regular file.</summary>
    private static FileKind Fallback(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) return FileKind.SymbolicLink;
        if (Directory.Exists(path)) return FileKind.Directory;
        return info.Exists ? FileKind.RegularFile : FileKind.Missing;
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int LStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [Out] byte[] status);
}
