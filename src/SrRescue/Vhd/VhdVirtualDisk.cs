using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The virtual disk a VHD describes, read the way libvhd reads it (vhd.md 4.1): per sector, a set
/// bitmap bit means "this image", a clear one "the parent" (differencing) or zeros (dynamic).
/// The parent is any readable volume: another <see cref="VhdVirtualDisk"/> (a chain), a raw LV,
/// or nothing (a missing parent reads as zeros and is reported by the chain).
/// </summary>
internal sealed class VhdVirtualDisk : ISparseSource
{
    private readonly VhdImage _image;
    private readonly IByteSource? _parent;
    private readonly Lock _cacheGate = new();
    private int _cachedBlock = -1;
    private byte[] _cachedBitmap = [];

    public VhdVirtualDisk(VhdImage image, IByteSource? parent)
    {
        ArgumentNullException.ThrowIfNull(image);
        _image = image;
        _parent = image.DiskType == VhdDiskType.Differencing ? parent : null;
        Name = $"virtual disk of {image.Name}";
    }

    public string Name { get; }

    public long Length => _image.VirtualSizeBytes;

    public VhdImage Image => _image;

    public IByteSource? Parent => _parent;

    /// <summary>From the BATs of the chain, without reading (<see cref="VhdAllocation"/>).</summary>
    public long NextDataOffset(long offset, long limit) => VhdAllocation.NextDataOffset(_image, _parent, offset, limit);

    public long NextHoleOffset(long offset, long limit) => VhdAllocation.NextHoleOffset(_image, _parent, offset, limit);

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length || buffer.IsEmpty)
        {
            return 0;
        }

        var want = (int)Math.Min(buffer.Length, Length - offset);
        if (_image.DiskType == VhdDiskType.Fixed)
        {
            var n = _image.Source.ReadFullyAt(offset, buffer[..want]);
            buffer[n..want].Clear();
            return want;
        }

        var blockSize = _image.BlockSizeBytes;
        var done = 0;
        while (done < want)
        {
            var pos = offset + done;
            var block = blockSize > 0 ? pos / blockSize : long.MaxValue;
            var within = blockSize > 0 ? pos % blockSize : 0;
            var n = (int)Math.Min(want - done, blockSize > 0 ? blockSize - within : want - done);
            var target = buffer.Slice(done, n);
            var bitmapAt = block < _image.Bat.Count ? _image.BitmapOffset((int)block) : -1;
            if (bitmapAt < 0)
            {
                ReadParent(pos, target);
            }
            else
            {
                ReadAllocated((int)block, bitmapAt, pos, within, target);
            }

            done += n;
        }

        return want;
    }

    private void ReadAllocated(int block, long bitmapAt, long pos, long within, Span<byte> target)
    {
        var dataAt = bitmapAt + ((long)_image.BitmapSectors * VhdImage.SectorSize) + within;
        if (_image.BatmapSaysFull(block))
        {
            ReadImage(dataAt, target);
            return;
        }

        var bitmap = Bitmap(block, bitmapAt);
        var firstSector = (int)(within / VhdImage.SectorSize);
        var sectors = (target.Length + VhdImage.SectorSize - 1) / VhdImage.SectorSize;
        var done = 0;
        var s = 0;
        while (s < sectors)
        {
            var present = BitSet(bitmap, firstSector + s);
            var run = 1;
            while (s + run < sectors && BitSet(bitmap, firstSector + s + run) == present)
            {
                run++;
            }

            var bytes = Math.Min(run * VhdImage.SectorSize, target.Length - done);
            var part = target.Slice(done, bytes);
            if (present)
            {
                ReadImage(dataAt + done, part);
            }
            else
            {
                ReadParent(pos + done, part);
            }

            done += bytes;
            s += run;
        }
    }

    private void ReadImage(long at, Span<byte> target)
    {
        var n = _image.Source.ReadFullyAt(at, target);
        target[n..].Clear();
    }

    private void ReadParent(long pos, Span<byte> target)
    {
        if (_parent is null)
        {
            target.Clear();
            return;
        }

        // A child may be larger than its parent: past the parent's end the disk reads as zeros.
        var n = _parent.ReadFullyAt(pos, target);
        target[n..].Clear();
    }

    private static bool BitSet(byte[] bitmap, int sector) =>
        sector >> 3 < bitmap.Length && (bitmap[sector >> 3] & (0x80 >> (sector & 7))) != 0;

    private byte[] Bitmap(int block, long bitmapAt)
    {
        lock (_cacheGate)
        {
            if (_cachedBlock != block)
            {
                var bytes = new byte[_image.BitmapSectors * VhdImage.SectorSize];
                var n = _image.Source.ReadFullyAt(bitmapAt, bytes);
                bytes.AsSpan(n).Clear();
                _cachedBitmap = bytes;
                _cachedBlock = block;
            }

            return _cachedBitmap;
        }
    }
}
