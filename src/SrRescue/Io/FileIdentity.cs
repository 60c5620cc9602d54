using System.Runtime.InteropServices;

namespace SrRescue.Io;

/// <summary>
/// A file's identity as the kernel knows it (device and inode), so that a symlink or a hard link
/// to a source is recognised as that source. Null where the file does not exist or the platform
/// does not say.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    // struct stat begins with st_dev and st_ino, 8 bytes each, on Linux x86-64 and arm64 alike;
    // the rest (at most 144 bytes) is not read.
    private const int StatBufferBytes = 256;

    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || !Path.Exists(path))
        {
            return null;
        }

        var buffer = new byte[StatBufferBytes];
        int rc;
        try
        {
            rc = Stat(path, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.33 exports stat only as __xstat (version 1 on x86-64).
            rc = XStat(1, path, buffer);
        }

        return rc == 0
            ? new FileIdentity(BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8))
            : null;
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "__xstat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int XStat(int version, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);
}
