using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The batmap stage of <see cref="VhdChecker"/>: blktap's batmap (vhd.md 3.4) read and checked as
/// vhd-util check does (vhd_util_check_batmap): cookie, version, checksum, size, offset. Whether
/// every block it marks full is allocated is checked once the BAT is read
/// (<see cref="BatmapRules.CheckFullBlocksAllocated"/>).
/// </summary>
/// <param name="HeaderAt">Where the batmap header belongs: right after the BAT of max_table_entries entries.</param>
/// <param name="Header">Null when no batmap header is there.</param>
/// <param name="Map">The map as stored; null when there is no header or it places the map outside the file.</param>
/// <param name="Valid">The map's checksum holds.</param>
internal sealed record BatmapStage(long HeaderAt, BatmapHeader? Header, byte[]? Map, bool Valid)
{
    public bool SaysFull(int block) =>
        Map is { } map && block >> 3 < map.Length && (map[block >> 3] & (0x80 >> (block & 7))) != 0;

    /// <summary>End of the batmap (header sector and map), or 0 when there is none.</summary>
    public long EndBytes(long fileLengthBytes)
    {
        if (Header is not { } h)
        {
            return 0;
        }

        var end = HeaderAt + BatmapHeader.Size;
        var mapEnd = (long)Math.Min(h.BatmapOffset, (ulong)fileLengthBytes) + Math.Min((long)h.BatmapSectors * VhdImage.SectorSize, BatmapRules.MaxMapBytes);
        return h.BatmapOffset < (ulong)fileLengthBytes ? Math.Max(end, mapEnd) : end;
    }

    /// <summary>Finds and checks the batmap header after the BAT, and reads the map it places.</summary>
    public static BatmapStage Read(InspectionInput input, FooterStage footers, HeaderStage header)
    {
        var f = footers.Chosen!;
        var h = header.Parsed!;
        var log = input.Log;
        var at = (long)Math.Min(h.TableOffset, (ulong)long.MaxValue / 2) + MaxTableEntriesRecovery.RoundUp512((long)header.MaxTableEntries * 4);
        var bytes = at >= 0 && at <= input.LengthBytes - BatmapHeader.Size ? input.Source.ReadBytes(at, BatmapHeader.Size) : [];
        var scratch = new FindingLog();
        BatmapHeader.TryRead(bytes, at, scratch, input.Name, out var batmapHeader);
        var stage = new BatmapStage(at, batmapHeader, Map: null, Valid: false);
        if (batmapHeader is null)
        {
            if (footers.ExpectsBatmap)
            {
                log.Add(Severity.Error, "vhd.batmap.missing", BatmapRules.What, at,
                    $"a tapdisk {f.CreatorVersion >> 16}.{f.CreatorVersion & 0xFFFF} VHD must have a batmap header ('tdbatmap') right after the BAT; blktap will not open it (\"error calculating end of metadata\")");
            }

            return stage;
        }

        log.AddAll(scratch);
        if (batmapHeader.Version > BatmapHeader.CurrentVersion)
        {
            log.Add(Severity.Error, "vhd.batmap.version", BatmapRules.What, at + 20, "batmap version newer than 1.2", $"0x{batmapHeader.Version:x8}", "<= 0x00010002");
        }

        if (batmapHeader.BatmapSectors == 0 || (long)batmapHeader.BatmapSectors * 4096 < header.MaxTableEntries)
        {
            log.Add(Severity.Error, "vhd.batmap.size", BatmapRules.What, at + BatmapHeader.Off.BatmapSectors,
                "the batmap is too small to hold a bit per BAT entry", batmapHeader.BatmapSectors.ToString(), $">= {Math.Max(1, ((long)header.MaxTableEntries + 4095) / 4096)}");
        }

        var mapBytes = (long)batmapHeader.BatmapSectors * VhdImage.SectorSize;
        if (batmapHeader.BatmapOffset == 0 || batmapHeader.BatmapOffset % VhdImage.SectorSize != 0)
        {
            log.Add(Severity.Error, "vhd.batmap.offset", BatmapRules.What, at + BatmapHeader.Off.BatmapOffset, "the batmap offset must be a non-zero multiple of 512",
                batmapHeader.BatmapOffset.ToString(), (at + BatmapHeader.Size).ToString());
            return stage;
        }

        if (!HeaderRules.Fits(batmapHeader.BatmapOffset, (ulong)mapBytes, input.LengthBytes - VhdFooter.Size) || mapBytes > BatmapRules.MaxMapBytes)
        {
            log.Add(Severity.Error, "vhd.batmap.range", BatmapRules.What, at + BatmapHeader.Off.BatmapOffset,
                $"a batmap of {batmapHeader.BatmapSectors} sectors at byte {batmapHeader.BatmapOffset} runs past the footer", batmapHeader.BatmapOffset.ToString(), $"end <= {input.LengthBytes - VhdFooter.Size}");
            return stage;
        }

        var map = input.Source.ReadBytes((long)batmapHeader.BatmapOffset, (int)mapBytes);
        var computed = BatmapHeader.ComputeChecksum(map, f.CurrentSizeBytes, batmapHeader.Version);
        var valid = computed == batmapHeader.StoredChecksum;
        if (!valid)
        {
            log.Add(Severity.Error, "vhd.batmap.checksum", BatmapRules.What, at + BatmapHeader.Off.Checksum,
                "batmap checksum mismatch (readers ignore the batmap then; BAT and bitmaps still hold the data)", $"0x{batmapHeader.StoredChecksum:x8}", $"0x{computed:x8}");
        }

        return stage with { Map = map, Valid = valid };
    }
}
