using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// Where the virtual disk of a VHD can hold data, answered from the BATs alone: a block that no
/// image of the chain allocates reads as zeros (vhd.md 4.1), so a copy need not read it. Block
/// granular and conservative: an allocated block counts as data even where its bitmap is clear.
/// Each call walks the blocks of the range once, asking the parent only about this image's gaps,
/// so a whole pass over a disk costs O(blocks × depth) and reads nothing.
/// </summary>
internal static class VhdAllocation
{
    public static long NextDataOffset(VhdImage image, IByteSource? parent, long offset, long limit)
    {
        offset = Math.Max(0, offset);
        var end = Math.Min(limit, image.VirtualSizeBytes);
        if (offset >= end)
        {
            return Math.Max(offset, limit);
        }

        if (image.DiskType == VhdDiskType.Fixed)
        {
            return offset;
        }

        var blockBytes = image.BlockSizeBytes;
        if (blockBytes <= 0)
        {
            // No usable header: every read goes to the parent (as in VhdVirtualDisk.ReadAt).
            var d = ParentNextData(parent, offset, end);
            return d < end ? d : limit;
        }

        for (var pos = offset; pos < end;)
        {
            var block = pos / blockBytes;
            var blockEnd = Math.Min(end, (block + 1) * blockBytes);
            if (IsAllocated(image, block))
            {
                return pos;
            }

            var data = ParentNextData(parent, pos, blockEnd);
            if (data < blockEnd)
            {
                return data;
            }

            pos = blockEnd;
        }

        return limit;
    }

    public static long NextHoleOffset(VhdImage image, IByteSource? parent, long offset, long limit)
    {
        offset = Math.Max(0, offset);
        var end = Math.Min(limit, image.VirtualSizeBytes);
        if (offset >= end)
        {
            return Math.Min(offset, limit);
        }

        if (image.DiskType == VhdDiskType.Fixed)
        {
            return end;
        }

        var blockBytes = image.BlockSizeBytes;
        if (blockBytes <= 0)
        {
            return ParentNextHole(parent, offset, end);
        }

        for (var pos = offset; pos < end;)
        {
            var block = pos / blockBytes;
            var blockEnd = Math.Min(end, (block + 1) * blockBytes);
            if (!IsAllocated(image, block))
            {
                var hole = ParentNextHole(parent, pos, blockEnd);
                if (hole < blockEnd)
                {
                    return hole;
                }
            }

            pos = blockEnd;
        }

        // Past the virtual size the disk holds nothing.
        return end;
    }

    private static bool IsAllocated(VhdImage image, long block) =>
        block < image.Bat.Count && image.Bat[(int)block] != VhdImage.Unallocated;

    /// <summary>With no parent, and past the parent's end, the disk reads as zeros (VhdVirtualDisk.ReadParent).</summary>
    private static long ParentNextData(IByteSource? parent, long offset, long limit) => parent switch
    {
        null => limit,
        ISparseSource sparse => sparse.NextDataOffset(offset, limit),
        _ => offset < parent.Length ? offset : limit,
    };

    private static long ParentNextHole(IByteSource? parent, long offset, long limit) => parent switch
    {
        null => offset,
        ISparseSource sparse => sparse.NextHoleOffset(offset, limit),
        _ => offset < parent.Length ? Math.Min(limit, parent.Length) : offset,
    };
}
