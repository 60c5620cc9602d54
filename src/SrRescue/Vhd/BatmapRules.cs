using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// blktap's batmap (vhd.md 3.4) read and checked as vhd-util check does (vhd_util_check_batmap):
/// cookie, version, checksum, size, offset, and every block marked full must be allocated.
/// </summary>
internal static class BatmapRules
{
    public const string What = "VHD batmap header";

    /// <summary>Largest map read: one bit per BAT entry of the largest BAT we accept.</summary>
    public const long MaxMapBytes = VhdImage.MaxBatEntries / 8;

    /// <summary>Finds and checks the batmap header after the BAT; fills in the inspection's batmap fields.</summary>
    public static void Read(VhdInspection v)
    {
        var f = v.Footer!;
        var h = v.Header!;
        var log = v.Log;
        v.ExpectsBatmap = v.IsCreatorTap && f.CreatorVersion >= 0x00010002;
        var at = (long)Math.Min(h.TableOffset, (ulong)long.MaxValue / 2) + MaxTableEntriesRecovery.RoundUp512((long)v.MaxTableEntries * 4);
        v.BatmapHeaderAt = at;
        var bytes = at >= 0 && at <= v.LengthBytes - BatmapHeader.Size ? v.Source.ReadBytes(at, BatmapHeader.Size) : [];
        var scratch = new FindingLog();
        var header = BatmapHeader.TryRead(bytes, at, scratch, v.Name);
        if (header is null)
        {
            if (v.ExpectsBatmap)
            {
                log.Add(Severity.Error, "vhd.batmap.missing", What, at,
                    $"a tapdisk {f.CreatorVersion >> 16}.{f.CreatorVersion & 0xFFFF} VHD must have a batmap header ('tdbatmap') right after the BAT; blktap will not open it (\"error calculating end of metadata\")");
            }

            return;
        }

        log.AddAll(scratch);
        v.BatmapHeader = header;
        if (header.Version > BatmapHeader.CurrentVersion)
        {
            log.Add(Severity.Error, "vhd.batmap.version", What, at + 20, "batmap version newer than 1.2", $"0x{header.Version:x8}", "<= 0x00010002");
        }

        if (header.BatmapSectors == 0 || (long)header.BatmapSectors * 4096 < v.MaxTableEntries)
        {
            log.Add(Severity.Error, "vhd.batmap.size", What, at + BatmapHeader.Off.BatmapSectors,
                "the batmap is too small to hold a bit per BAT entry", header.BatmapSectors.ToString(), $">= {Math.Max(1, ((long)v.MaxTableEntries + 4095) / 4096)}");
        }

        var mapBytes = (long)header.BatmapSectors * VhdImage.SectorSize;
        if (header.BatmapOffset == 0 || header.BatmapOffset % VhdImage.SectorSize != 0)
        {
            log.Add(Severity.Error, "vhd.batmap.offset", What, at + BatmapHeader.Off.BatmapOffset, "the batmap offset must be a non-zero multiple of 512", header.BatmapOffset.ToString(), (at + BatmapHeader.Size).ToString());
            return;
        }

        if (!HeaderRules.Fits(header.BatmapOffset, (ulong)mapBytes, v.LengthBytes - VhdFooter.Size) || mapBytes > MaxMapBytes)
        {
            log.Add(Severity.Error, "vhd.batmap.range", What, at + BatmapHeader.Off.BatmapOffset,
                $"a batmap of {header.BatmapSectors} sectors at byte {header.BatmapOffset} runs past the footer", header.BatmapOffset.ToString(), $"end <= {v.LengthBytes - VhdFooter.Size}");
            return;
        }

        var map = v.Source.ReadBytes((long)header.BatmapOffset, (int)mapBytes);
        var computed = BatmapHeader.ComputeChecksum(map, f.CurrentSizeBytes, header.Version);
        v.Batmap = map;
        v.BatmapValid = computed == header.StoredChecksum;
        if (!v.BatmapValid)
        {
            log.Add(Severity.Error, "vhd.batmap.checksum", What, at + BatmapHeader.Off.Checksum,
                "batmap checksum mismatch (readers ignore the batmap then; BAT and bitmaps still hold the data)", $"0x{header.StoredChecksum:x8}", $"0x{computed:x8}");
        }
    }

    /// <summary>The batmap may only mark allocated blocks full (vhd_util_check_batmap).</summary>
    public static void CheckFullBlocksAllocated(VhdInspection v)
    {
        if (v.Batmap is not { } map || v.BatmapHeader is not { } header)
        {
            return;
        }

        var blocks = (int)Math.Min(v.Bat.Length, (long)map.Length * 8);
        for (var i = 0; i < blocks; i++)
        {
            if (v.BatmapSaysFull(i) && !v.IsAllocated(i))
            {
                v.Log.Add(Severity.Error, "vhd.batmap.unallocated-full", "VHD batmap", (long)header.BatmapOffset + (i >> 3),
                    $"the batmap marks block {i} full but the BAT does not allocate it (its BAT entry may have been lost: vhd repair looks for its data)",
                    "bit set", "bit clear, or the block allocated");
            }
        }
    }

    /// <summary>End of the batmap (header sector and map), or 0 when there is none.</summary>
    public static long EndBytes(VhdInspection v)
    {
        if (v.BatmapHeader is not { } h)
        {
            return 0;
        }

        var end = v.BatmapHeaderAt + BatmapHeader.Size;
        var mapEnd = (long)Math.Min(h.BatmapOffset, (ulong)v.LengthBytes) + Math.Min((long)h.BatmapSectors * VhdImage.SectorSize, MaxMapBytes);
        return h.BatmapOffset < (ulong)v.LengthBytes ? Math.Max(end, mapEnd) : end;
    }
}
