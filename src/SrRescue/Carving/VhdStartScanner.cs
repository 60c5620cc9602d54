using System.Buffers.Binary;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>
/// Finds every extent that starts a dynamic or differencing VHD: a footer copy whose checksum
/// verifies (or verifies without the hidden byte), then <c>cxsparse</c> at +512 (vhd.md 6.1).
/// Looks at the first 1.5 KiB of each extent (<see cref="ExtentHeads"/>), then reads the BAT of
/// the ones that match.
/// </summary>
internal static class VhdStartScanner
{
    /// <summary>Largest BAT read for one carved VHD (2 TiB of 2 MiB blocks).</summary>
    public const int MaxBatEntries = 1 << 20;

    private const int HeadBytes = VhdFooter.Size + DynamicHeader.Size;

    /// <summary>
    /// The VHD that extent <paramref name="pe"/> starts, or null. <paramref name="head"/> is a
    /// 1.5 KiB buffer for the footer copy and header.
    /// </summary>
    public static VhdStart? TryRead(IByteSource pv, ExtentGrid grid, long pe, byte[] head, FindingLog log)
    {
        var got = pv.ReadFullyAt(grid.OffsetOf(pe), head);
        return FromHead(pv, grid, pe, head.AsSpan(0, got), log);
    }

    /// <summary>The VHD that extent <paramref name="pe"/> starts, from its first bytes as read (fewer than the footer copy and header: none).</summary>
    public static VhdStart? FromHead(IByteSource pv, ExtentGrid grid, long pe, ReadOnlySpan<byte> head, FindingLog log)
    {
        var at = grid.OffsetOf(pe);
        if (head.Length < HeadBytes || !head.Slice(VhdFooter.Size, 8).SequenceEqual(DynamicHeader.Cookie))
        {
            return null;
        }

        var quiet = new FindingLog();
        VhdFooter.TryRead(head[..VhdFooter.Size], at, quiet, "footer copy", pv.Name, out var footer);
        DynamicHeader.TryRead(head.Slice(VhdFooter.Size, DynamicHeader.Size), at + VhdFooter.Size, quiet, pv.Name, out var header);
        if (footer is null || header is null || !footer.IsDynamicOrDifferencing
            || !(footer.ChecksumMatches || footer.ChecksumMatchesWithoutHidden) || header.StoredChecksum != header.ComputedChecksum)
        {
            ExtentSpace.Log(log, pv, Severity.Warning, "carve.start.damaged", "VHD start", at,
                $"{ExtentSpace.Extent(pv, pe)} starts with footer and 'cxsparse' but one of them does not verify; not carved");
            return null;
        }

        if (header.BlockSizeBytes is < 512 * 8 or > 1u << 28 || (header.BlockSizeBytes & (header.BlockSizeBytes - 1)) != 0)
        {
            ExtentSpace.Log(log, pv, Severity.Warning, "carve.start.block-size", "VHD header", at + VhdFooter.Size + DynamicHeader.Off.BlockSize,
                $"block size {header.BlockSizeBytes} is not a power of two this tool carves");
            return null;
        }

        var (bat, complete) = ReadBat(pv, grid, at, footer, header);
        if (!complete)
        {
            ExtentSpace.Log(log, pv, Severity.Warning, "carve.start.bat-beyond-extent", "VHD BAT", at + (long)header.TableOffset,
                $"the BAT of the VHD at {ExtentSpace.Extent(pv, pe)} runs past its first extent; only the entries inside it are used");
        }

        return new VhdStart(pe, at, footer, header, bat, complete);
    }

    private static (uint[] Bat, bool Complete) ReadBat(IByteSource pv, ExtentGrid grid, long at, VhdFooter footer, DynamicHeader header)
    {
        var blocks = (long)((footer.CurrentSizeBytes + header.BlockSizeBytes - 1) / header.BlockSizeBytes);
        var wanted = (int)Math.Min(Math.Min(blocks, header.MaxTableEntries), MaxBatEntries);
        if (header.TableOffset >= (ulong)grid.ExtentSizeBytes)
        {
            return ([], wanted == 0);
        }

        var inExtent = (int)Math.Min(wanted, (grid.ExtentSizeBytes - (long)header.TableOffset) / 4);
        var raw = new byte[inExtent * 4];
        var got = pv.ReadFullyAt(at + (long)header.TableOffset, raw) / 4;
        var bat = new uint[got];
        for (var i = 0; i < got; i++)
        {
            bat[i] = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(i * 4));
        }

        return (bat, got == wanted);
    }
}
