using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Vhd;

namespace SrRescue.Carving;

/// <summary>
/// One read per extent of what every pass over a carve's extents asks first: the extent's first
/// <see cref="HeadBytes"/> (where a VHD or QCOW2 image starts, and whether the extent holds data
/// at its start) and the sector before them, the last of the extent before (whether it ends with
/// a VHD footer). The start scans look at the heads as they are read; the footers and the data
/// bits are kept for the carve (a bit per extent, and the few extents that end with a footer), so
/// the search for primary footers and the check of unclaimed extents read nothing more there.
/// Before, four passes read these places apart: on a LUN of 2 TiB, two million requests.
/// </summary>
internal sealed class ExtentHeads
{
    /// <summary>Bytes of each extent's start read: a VHD's footer copy and header (1.5 KiB), a QCOW2 header, the first 4 KiB checked for data.</summary>
    public const int HeadBytes = 4096;

    private const int Sector = 512;

    /// <summary>Extents whose last sector was read, a bit each.</summary>
    private readonly ulong[] _endRead;

    /// <summary>Extents whose first <see cref="HeadBytes"/> were read, and those of them holding anything but zeros.</summary>
    private readonly ulong[] _headRead;
    private readonly ulong[] _headHasData;

    /// <summary>The extents read whose last sector is a VHD footer: its uuid (few: the ends of VHD LVs).</summary>
    private readonly Dictionary<long, Guid> _footers = [];

    private ExtentHeads(long extents)
    {
        var words = (int)((extents + 63) / 64);
        _endRead = new ulong[words];
        _headRead = new ulong[words];
        _headHasData = new ulong[words];
    }

    /// <summary>
    /// Reads the head of every extent not skipped, with the sector before it, and gives each head to
    /// <paramref name="onHead"/> (as much of it as the source holds, from the extent's first byte).
    /// </summary>
    public static ExtentHeads Read(IByteSource pv, ExtentGrid grid, Func<long, bool> skip, Action<long, ReadOnlySpan<byte>> onHead, IProgress<WorkProgress>? progress)
    {
        var heads = new ExtentHeads(grid.ExtentCount);
        var window = new byte[Sector + HeadBytes];
        for (long pe = 0; pe < grid.ExtentCount; pe++)
        {
            if (pe % 64 == 0)
            {
                progress?.Report(new WorkProgress("finding VHD and QCOW2 starts", pe * grid.ExtentSizeBytes, grid.ExtentCount * grid.ExtentSizeBytes));
            }

            if (skip(pe))
            {
                continue;
            }

            // The sector before the first extent is the PV's head, no extent's end.
            var at = grid.OffsetOf(pe);
            var before = pe > 0 ? Sector : 0;
            var got = pv.ReadFullyAt(at - before, window.AsSpan(Sector - before));
            if (pe > 0 && got >= Sector)
            {
                heads.NoteEnd(pe - 1, window.AsSpan(0, Sector));
            }

            var head = window.AsSpan(Sector, Math.Max(0, got - before));
            heads.NoteHead(pe, head);
            onHead(pe, head);
        }

        // The last extent's end has no next head to come with.
        var last = grid.ExtentCount - 1;
        if (last >= 0 && !skip(last))
        {
            var tail = window.AsSpan(0, Sector);
            if (pv.ReadFullyAt(grid.OffsetOf(last) + grid.ExtentSizeBytes - Sector, tail) == Sector)
            {
                heads.NoteEnd(last, tail);
            }
        }

        return heads;
    }

    /// <summary>Whether the last sector of extent <paramref name="pe"/> was read, and the uuid of the VHD footer it holds (null: none).</summary>
    public bool TryFooterAtEnd(long pe, out Guid? uuid)
    {
        uuid = _footers.TryGetValue(pe, out var u) ? u : null;
        return IsSet(_endRead, pe);
    }

    /// <summary>Whether the first <see cref="HeadBytes"/> of extent <paramref name="pe"/> hold anything but zeros; null when not read.</summary>
    public bool? HeadHasData(long pe) => IsSet(_headRead, pe) ? IsSet(_headHasData, pe) : null;

    private void NoteEnd(long pe, ReadOnlySpan<byte> sector)
    {
        Set(_endRead, pe);
        if (VhdFooter.UuidByCookie(sector) is { } uuid)
        {
            _footers[pe] = uuid;
        }
    }

    private void NoteHead(long pe, ReadOnlySpan<byte> head)
    {
        // A head the source cut short is not noted: the check of unclaimed extents reads it again.
        if (head.Length == HeadBytes)
        {
            Set(_headRead, pe);
            if (head.ContainsAnyExcept((byte)0))
            {
                Set(_headHasData, pe);
            }
        }
    }

    private static bool IsSet(ulong[] bits, long pe) => pe >= 0 && pe < (long)bits.Length * 64 && (bits[pe >> 6] & (1UL << (int)(pe & 63))) != 0;

    private static void Set(ulong[] bits, long pe) => bits[pe >> 6] |= 1UL << (int)(pe & 63);
}
