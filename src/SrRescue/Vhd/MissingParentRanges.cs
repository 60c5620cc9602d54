using System.Buffers;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The parts of a chain's virtual disk that no member holds and that would have come from the
/// missing parent: read as zeros, they are not recovered data. Found sector by sector the way the
/// chain is read (vhd.md 4.1): a set bitmap bit (or a full batmap bit) in some member resolves a
/// sector; past a parent's size a sector is zeros by right; what reaches the last member's missing
/// parent came from nowhere. Reads only BATs and the bitmaps of partly written blocks.
/// </summary>
public sealed record MissingParentRanges(IReadOnlyList<ByteRange> Ranges, long TotalBytes, bool Truncated)
{
    /// <summary>Ranges listed at most; the total still counts every byte.</summary>
    public const int DefaultMaxRanges = 10_000;

    private const int Sector = VhdImage.SectorSize;
    private const int WindowSectors = 4096;

    public static MissingParentRanges None { get; } = new([], 0, false);

    public static MissingParentRanges Find(VhdChain chain, int maxRanges = DefaultMaxRanges, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.IsComplete)
        {
            return None;
        }

        var length = chain.Disk.Length;
        var ranges = new List<ByteRange>();
        long total = 0;
        var truncated = false;
        var open = new ByteRange(0, 0);
        var unresolved = new byte[WindowSectors];
        var bitmap = ArrayPool<byte>.Shared.Rent(VhdImage.SectorSize * 8);
        try
        {
            for (long window = 0; window < length; window += (long)WindowSectors * Sector)
            {
                cancel.ThrowIfCancellationRequested();
                var sectors = (int)Math.Min(WindowSectors, (length - window + Sector - 1) / Sector);
                var mask = unresolved.AsSpan(0, sectors);
                mask.Fill(1);
                for (var i = 0; i < chain.Members.Count && mask.Contains((byte)1); i++)
                {
                    Resolve(chain.Members[i], i > 0, window, mask, bitmap);
                }

                for (var s = mask.IndexOf((byte)1); s >= 0;)
                {
                    var run = mask[s..].IndexOf((byte)0);
                    var count = run < 0 ? sectors - s : run;
                    var start = window + ((long)s * Sector);
                    var bytes = Math.Min(length, start + ((long)count * Sector)) - start;
                    total += bytes;
                    if (open.LengthBytes > 0 && open.EndBytes == start)
                    {
                        open = open with { LengthBytes = open.LengthBytes + bytes };
                    }
                    else
                    {
                        Close(ranges, open, maxRanges, ref truncated);
                        open = new ByteRange(start, bytes);
                    }

                    var next = run < 0 ? -1 : mask[(s + count)..].IndexOf((byte)1);
                    s = next < 0 ? -1 : s + count + next;
                }
            }

            Close(ranges, open, maxRanges, ref truncated);
            return new MissingParentRanges(ranges, total, truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bitmap);
        }
    }

    private static void Close(List<ByteRange> ranges, ByteRange open, int maxRanges, ref bool truncated)
    {
        if (open.LengthBytes <= 0)
        {
            return;
        }

        if (ranges.Count < maxRanges)
        {
            ranges.Add(open);
        }
        else
        {
            truncated = true;
        }
    }

    /// <summary>Clears the sectors of the window that this member supplies (or that read as zeros above it).</summary>
    private static void Resolve(VhdImage member, bool isParent, long window, Span<byte> mask, byte[] bitmap)
    {
        // A child reading past its parent's end gets zeros (VhdVirtualDisk.ReadParent).
        if (isParent && member.VirtualSizeBytes < window + ((long)mask.Length * Sector))
        {
            var first = (int)Math.Max(0, (member.VirtualSizeBytes - window + Sector - 1) / Sector);
            mask[Math.Min(first, mask.Length)..].Clear();
        }

        if (member.DiskType == VhdDiskType.Fixed)
        {
            mask.Clear();
            return;
        }

        var blockBytes = member.BlockSizeBytes;
        if (blockBytes <= 0)
        {
            return;
        }

        var blockSectors = (int)(blockBytes / Sector);
        for (var s = 0; s < mask.Length;)
        {
            var pos = window + ((long)s * Sector);
            var block = pos / blockBytes;
            var within = (int)((pos % blockBytes) / Sector);
            var end = Math.Min(mask.Length, s + (blockSectors - within));
            var bitmapAt = block < member.Bat.Count ? member.BitmapOffset((int)block) : -1;
            if (bitmapAt >= 0 && member.BatmapSaysFull((int)block))
            {
                mask[s..end].Clear();
            }
            else if (bitmapAt >= 0 && mask[s..end].Contains((byte)1))
            {
                var bitmapBytes = member.BitmapSectors * Sector;
                var bits = bitmap.AsSpan(0, Math.Min(bitmapBytes, bitmap.Length));
                var n = member.Source.ReadFullyAt(bitmapAt, bits);
                bits[n..].Clear();
                for (var i = s; i < end; i++)
                {
                    var bit = within + (i - s);
                    if ((bit >> 3) < bits.Length && (bits[bit >> 3] & (0x80 >> (bit & 7))) != 0)
                    {
                        mask[i] = 0;
                    }
                }
            }

            s = end;
        }
    }
}
