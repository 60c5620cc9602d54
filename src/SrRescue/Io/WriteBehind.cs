using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SrRescue.Io;

/// <summary>
/// Starts writing a just-written range of an output file to disk without waiting for it
/// (Linux sync_file_range, SYNC_FILE_RANGE_WRITE), so the disk works while the copy goes on and
/// the fsync at the end finds little left to do. Elsewhere, or if the call fails, it does nothing:
/// it is only a head start, the final fsync still makes the file durable.
/// </summary>
internal static class WriteBehind
{
    private const uint SyncFileRangeWrite = 2;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    public static void Start(SafeFileHandle handle, long offset, long length)
    {
        if (s_unavailable || length <= 0)
        {
            return;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            _ = SyncFileRange((int)handle.DangerousGetHandle(), offset, length, SyncFileRangeWrite);
        }
        catch (EntryPointNotFoundException)
        {
            s_unavailable = true;
        }
        catch (DllNotFoundException)
        {
            s_unavailable = true;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SyncFileRange(int fd, long offset, long nbytes, uint flags);
}
