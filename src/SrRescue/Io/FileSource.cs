using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SrRescue.Io;

/// <summary>
/// An image file or a block device, opened read-only and shared (another process may hold it
/// open for writing: a live SR). A block device's size comes from the kernel, because
/// <c>fstat</c> reports 0 for it.
/// Small reads (sectors, probes, tables) go through a second handle opened for random access
/// (<c>posix_fadvise</c> RANDOM): the kernel reads what is asked and no read-ahead around it, which
/// on a block device (no holes known) multiplied the bytes a carve reads: every 1.5 KiB probe of
/// an extent start brought up to 128 KiB. Large reads (copies, the label search's chunks) keep
/// the read-ahead of the first handle.
/// </summary>
public sealed class FileSource : ISparseSource, IDisposable
{
    /// <summary>Reads smaller than this go through the random-access handle (the kernel's default read-ahead window).</summary>
    public const int SmallReadBytes = 128 << 10;

    private readonly SafeFileHandle _handle;
    private readonly SafeFileHandle _random;

    private FileSource(string path, SafeFileHandle handle, SafeFileHandle random, long length, bool isBlockDevice)
    {
        Name = path;
        _handle = handle;
        _random = random;
        Length = length;
        IsBlockDevice = isBlockDevice;
    }

    public string Name { get; }

    public long Length { get; }

    public bool IsBlockDevice { get; }

    public static FileSource Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new IOException($"the source {path} is a directory; give an image file or a block device");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the source {path} does not exist", path);
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        SafeFileHandle? random = null;
        try
        {
            random = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.RandomAccess);
            var length = RandomAccess.GetLength(handle);
            var isBlock = false;
            if (length == 0 && OperatingSystem.IsLinux() && BlockDeviceSize.TryGet(handle, out var deviceBytes))
            {
                length = deviceBytes;
                isBlock = true;
            }

            return new FileSource(path, handle, random, length, isBlock);
        }
        catch
        {
            handle.Dispose();
            random?.Dispose();
            throw;
        }
    }

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Length - offset);
        return RandomAccess.Read(want < SmallReadBytes ? _random : _handle, buffer[..want], offset);
    }

    public void Dispose()
    {
        _handle.Dispose();
        _random.Dispose();
    }

    /// <summary>Where the next data is after <paramref name="offset"/>: the holes of a sparse image file are skipped (lseek SEEK_DATA).</summary>
    public long NextDataOffset(long offset, long limit) => Seek(offset, limit, Whence.Data);

    /// <summary>Where the next hole is after <paramref name="offset"/> (lseek SEEK_HOLE); the end of the file counts as one.</summary>
    public long NextHoleOffset(long offset, long limit) => Seek(offset, limit, Whence.Hole);

    private long Seek(long offset, long limit, Whence whence)
    {
        if (offset >= Math.Min(limit, Length))
        {
            return limit;
        }

        if (!OperatingSystem.IsLinux() || IsBlockDevice)
        {
            // "May hold data" is always a correct answer.
            return whence == Whence.Data ? offset : limit;
        }

        var ok = false;
        _handle.DangerousAddRef(ref ok);
        try
        {
            // pread/pwrite never use the file position that lseek moves, so this is safe beside reads.
            var at = LSeek((int)_handle.DangerousGetHandle(), offset, (int)whence);
            return at < 0 ? (whence == Whence.Data ? limit : Math.Min(limit, Length)) : Math.Min(at, limit);
        }
        catch (EntryPointNotFoundException)
        {
            return whence == Whence.Data ? offset : limit;
        }
        finally
        {
            if (ok)
            {
                _handle.DangerousRelease();
            }
        }
    }

    private enum Whence
    {
        Data = 3,
        Hole = 4,
    }

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long LSeek(int fd, long offset, int whence);

    /// <summary>The Linux BLKGETSIZE64 ioctl: the size of a block device in bytes.</summary>
    private static class BlockDeviceSize
    {
        // _IOR(0x12, 114, size_t) on 64-bit Linux.
        private const ulong BlkGetSize64 = 0x80081272;

        public static bool TryGet(SafeFileHandle handle, out long bytes)
        {
            bytes = 0;
            var ok = false;
            handle.DangerousAddRef(ref ok);
            try
            {
                if (Ioctl((int)handle.DangerousGetHandle(), BlkGetSize64, out var size) != 0 || size > long.MaxValue)
                {
                    return false;
                }

                bytes = (long)size;
                return bytes > 0;
            }
            catch (EntryPointNotFoundException)
            {
                return false;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
            finally
            {
                if (ok)
                {
                    handle.DangerousRelease();
                }
            }
        }

        [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        private static extern int Ioctl(int fd, ulong request, out ulong size);
    }
}
