namespace SrRescue.Io;

/// <summary>
/// A read-only, random-access run of bytes: an image file, a block device, a partition of one, an
/// LV assembled from PV extents. Reads are positional (no shared stream position), so one source
/// can be read from several threads. There is deliberately no write method.
/// </summary>
public interface IByteSource
{
    /// <summary>What to call this source in messages (a path, or "VHD-… on /dev/sdb").</summary>
    string Name { get; }

    /// <summary>Length in bytes.</summary>
    long Length { get; }

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>. Returns fewer only at
    /// the end of the source. I/O errors propagate as <see cref="IOException"/>.
    /// </summary>
    int ReadAt(long offset, Span<byte> buffer);
}
