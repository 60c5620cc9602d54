using System.Collections.Immutable;
using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The BAT rules of vhd-util check (vhd.md 3.6, vhd_util_check_bat): every allocated entry lies
/// after the metadata, ends before the footer, and overlaps no other block. vhd-util compares every
/// pair (O(n²), minutes on a 2 TiB image); here the entries are sorted by offset once and each is
/// compared with the furthest-reaching one before it, which finds every overlap in O(n log n).
/// </summary>
internal static class BatRules
{
    public const string What = "VHD BAT";

    /// <summary>Applies the rules to the entries; returns which of them later steps must skip.</summary>
    public static bool[] Validate(InspectionInput input, HeaderStage header, ImmutableArray<uint> bat, long endOfHeadersBytes, long blockLimitBytes)
    {
        var log = input.Log;
        var len = input.LengthBytes;
        var footprint = header.BlockFootprintSectors;
        var eohSector = (endOfHeadersBytes + VhdImage.SectorSize - 1) / VhdImage.SectorSize;
        var placed = new List<(long Start, int Block)>();
        var unusable = new bool[bat.Length];
        for (var i = 0; i < bat.Length; i++)
        {
            var entry = bat[i];
            if (entry == VhdImage.Unallocated)
            {
                continue;
            }

            var entryAt = header.BatAt + (4L * i);
            var startBytes = (long)entry * VhdImage.SectorSize;
            var endBytes = (entry + footprint) * VhdImage.SectorSize;
            if (entry < eohSector)
            {
                log.Add(Severity.Error, "vhd.bat.clobbers-headers", What, entryAt,
                    $"block {i} (bitmap at byte {startBytes}) lies inside the metadata, which ends at byte {endOfHeadersBytes}", $"0x{entry:x8}", $">= 0x{eohSector:x8}");
                unusable[i] = true;
                continue;
            }

            if (endBytes > len)
            {
                unusable[i] = true;
                log.Add(Severity.Error, "vhd.bat.beyond-eof", What, entryAt,
                    startBytes >= len
                        ? $"block {i} (bitmap at byte {startBytes}) lies past the end of the file ({len} bytes)"
                        : $"block {i} (bitmap at byte {startBytes}) runs {endBytes - len} bytes past the end of the file: the file is truncated",
                    $"0x{entry:x8}", $"block end <= {len}");
            }
            else if (endBytes > blockLimitBytes)
            {
                log.Add(Severity.Error, "vhd.bat.clobbers-footer", What, entryAt,
                    $"block {i} (bitmap at byte {startBytes}) ends at byte {endBytes}, over the footer at byte {blockLimitBytes}", $"0x{entry:x8}", $"block end <= {blockLimitBytes}");
            }

            placed.Add((entry, i));
        }

        ReportOverlaps(log, header.BatAt, placed, footprint, unusable);
        return unusable;
    }

    /// <summary>Sorted sweep: a block overlaps an earlier one exactly when it starts before the furthest end seen so far.</summary>
    private static void ReportOverlaps(CappedFindings log, long batAt, List<(long Start, int Block)> placed, long footprint, bool[] unusable)
    {
        placed.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Block.CompareTo(b.Block));
        long reachEnd = -1;
        var reachBlock = -1;
        long reachStart = -1;
        foreach (var (start, block) in placed)
        {
            if (start < reachEnd)
            {
                log.Add(Severity.Error, "vhd.bat.overlap", What, batAt + (4L * block),
                    $"block {block} (bitmap at byte {start * VhdImage.SectorSize}) overlaps block {reachBlock} (bitmap at byte {reachStart * VhdImage.SectorSize})",
                    $"0x{start:x8}", $"outside 0x{reachStart:x8}..0x{reachEnd - 1:x8}");
                unusable[block] = true;
                unusable[reachBlock] = true;
            }

            if (start + footprint > reachEnd)
            {
                reachEnd = start + footprint;
                reachBlock = block;
                reachStart = start;
            }
        }
    }
}
