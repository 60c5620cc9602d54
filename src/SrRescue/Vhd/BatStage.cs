using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// The BAT stage of <see cref="VhdChecker"/>: where the metadata ends and blocks may lie, the BAT
/// entries that describe the virtual disk, and which of them the BAT rules found impossible.
/// </summary>
/// <param name="Entries">BAT entries that describe the virtual disk: ceil(current size / block size), bounded.</param>
/// <param name="Unusable">Entries the BAT rules found impossible (in the metadata, past the end, overlapping): later steps skip them.</param>
/// <param name="EndOfHeadersBytes">First byte after the header, BAT, batmap and locators (libvhd vhd_end_of_headers).</param>
/// <param name="BlockLimitBytes">Blocks may not reach past this byte: the primary footer's start, or the end of the file when it is gone.</param>
internal sealed record BatStage(ImmutableArray<uint> Entries, ImmutableArray<bool> Unusable, long EndOfHeadersBytes, long BlockLimitBytes)
{
    private const int BatChunkEntries = 1 << 18;

    public bool IsAllocated(int block) => block < Entries.Length && Entries[block] != VhdImage.Unallocated;

    /// <summary>Reads the BAT the header places and applies the BAT rules to it.</summary>
    public static BatStage Read(InspectionInput input, FooterStage footers, HeaderStage header, BatmapStage batmap)
    {
        var len = input.LengthBytes;
        var endOfHeaders = EndOfHeaders(input, header, batmap);
        var blockLimit = footers.Primary is not null ? footers.PrimaryAt : len - (len % VhdImage.SectorSize);
        var entries = ReadEntries(input, footers.Chosen!, header);
        var unusable = BatRules.Validate(input, header, entries, endOfHeaders, blockLimit);
        return new BatStage(entries, ImmutableCollectionsMarshal.AsImmutableArray(unusable), endOfHeaders, blockLimit);
    }

    private static long EndOfHeaders(InspectionInput input, HeaderStage header, BatmapStage batmap)
    {
        var h = header.Parsed!;
        var end = Math.Max(header.At + DynamicHeader.Size, (long)h.TableOffset + MaxTableEntriesRecovery.RoundUp512((long)header.MaxTableEntries * 4));
        end = Math.Max(end, batmap.EndBytes(input.LengthBytes));
        foreach (var loc in h.Locators)
        {
            // Locators whose data lies outside the file are reported by the locator rules; they
            // must not push the end of the metadata past every block.
            if (loc.IsUsed && loc.IsKnownCode && loc.DataSpaceBytes is { } space && HeaderRules.Fits(loc.DataOffset, (ulong)space, input.LengthBytes))
            {
                end = Math.Max(end, (long)loc.DataOffset + space);
            }
        }

        return end;
    }

    private static ImmutableArray<uint> ReadEntries(InspectionInput input, VhdFooter f, HeaderStage header)
    {
        var h = header.Parsed!;
        var log = input.Log;
        var needed = (f.CurrentSizeBytes / h.BlockSizeBytes) + (f.CurrentSizeBytes % h.BlockSizeBytes == 0 ? 0UL : 1UL);
        if (needed > header.MaxTableEntries)
        {
            log.Add(Severity.Error, "vhd.header.bat-too-small", HeaderRules.What, header.At + DynamicHeader.Off.MaxTableEntries,
                "max_table_entries does not cover the virtual size; the rest of the disk reads as unallocated", header.MaxTableEntries.ToString(), needed.ToString());
        }

        var count = (long)Math.Min(needed, header.MaxTableEntries);
        var fits = ((long)((ulong)input.LengthBytes - h.TableOffset)) / 4;
        if (count > fits || count > VhdImage.MaxBatEntries)
        {
            log.Add(Severity.Error, "vhd.bat.truncated", BatRules.What, (long)h.TableOffset,
                $"the BAT needs {count} entries but only {Math.Min(fits, VhdImage.MaxBatEntries)} fit in the file", count.ToString(), fits.ToString());
            count = Math.Min(fits, VhdImage.MaxBatEntries);
        }

        var bat = new uint[count];
        var chunk = new byte[(int)Math.Min(count, BatChunkEntries) * 4];
        for (long i = 0; i < count; i += BatChunkEntries)
        {
            var n = (int)Math.Min(BatChunkEntries, count - i);
            var got = input.Source.ReadFullyAt((long)h.TableOffset + (i * 4), chunk.AsSpan(0, n * 4));
            for (var k = 0; k < n; k++)
            {
                bat[i + k] = (k + 1) * 4 <= got ? BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(k * 4)) : VhdImage.Unallocated;
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(bat);
    }
}
