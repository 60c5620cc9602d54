using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Lvm;

/// <summary>
/// Reads a PV: the label in sectors 0-3, the pv_header, each metadata area's header and the whole
/// ring of each area. When the label or a header is gone it falls back to the places LVM uses by
/// default (lvm2.md 2.8) so that a damaged PV still yields its metadata history.
/// </summary>
internal static class PvScanner
{
    /// <summary>Where mda1 may start when no label says so: LVM aligns it to the page size (lvm2.md 2.1).</summary>
    private static readonly long[] DefaultMdaStarts = [4096, 8192, 16384, 65536];

    /// <param name="pv">The PV, byte 0 = its first byte (a whole disk, or a partition as a <see cref="SubRangeSource"/>).</param>
    /// <param name="pvOffset">Where the PV starts in the device or image named in findings.</param>
    public static PvScan Scan(IByteSource pv, long pvOffset, FindingLog log, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(pv);
        ArgumentNullException.ThrowIfNull(log);
        var name = sourceName ?? pv.Name;
        var head = pv.ReadBytes(0, LabelHeader.SectorSize * LabelHeader.ScanSectors);
        var (label, labelSector) = FindLabel(head, pvOffset, log, name);
        PvHeader? header = null;
        if (label is not null)
        {
            var sector = head.AsSpan(labelSector * LabelHeader.SectorSize, LabelHeader.SectorSize);
            header = PvHeader.Read(sector, pvOffset + (labelSector * LabelHeader.SectorSize), log, name);
        }
        else
        {
            log.Add(Severity.Error, "lvm.label.missing", "LVM label", pvOffset, "no LVM label (LABELONE) in sectors 0-3; looking for metadata areas at their default places", source: name);
        }

        var areas = new List<MetadataAreaScan>();
        var locations = header?.MetadataAreas ?? [];
        for (var i = 0; i < locations.Count; i++)
        {
            var loc = locations[i];
            areas.Add(ScanArea(pv, pvOffset, i + 1, loc.OffsetBytes, loc.SizeBytes, fromDefaults: false, log, name));
        }

        if (locations.Count == 0)
        {
            var found = FindAreaByMagic(pv, pvOffset, log, name);
            if (found is not null)
            {
                areas.Add(found);
            }
        }

        var labelOffset = label is null ? -1 : pvOffset + (labelSector * LabelHeader.SectorSize);
        return new PvScan(name, pvOffset, pv.Length, labelOffset, label, header, areas);
    }

    private static (LabelHeader? Label, int Sector) FindLabel(byte[] head, long pvOffset, FindingLog log, string name)
    {
        LabelHeader? fallback = null;
        var fallbackSector = -1;
        for (var s = 0; s < LabelHeader.ScanSectors && (s + 1) * LabelHeader.SectorSize <= head.Length; s++)
        {
            var sector = head.AsSpan(s * LabelHeader.SectorSize, LabelHeader.SectorSize);
            if (!LabelHeader.TryRead(sector, pvOffset + ((long)s * LabelHeader.SectorSize), log, pvOffset, name, out var label))
            {
                continue;
            }

            if (label.CrcMatches && label.SectorNumber == s)
            {
                return (label, s);
            }

            if (fallback is null)
            {
                fallback = label;
                fallbackSector = s;
            }
        }

        // A label with a bad CRC still tells where the areas are; LVM would ignore it, a recovery
        // tool reads it with the finding already logged.
        return (fallback, fallbackSector);
    }

    private static MetadataAreaScan ScanArea(IByteSource pv, long pvOffset, int number, long start, long size, bool fromDefaults, FindingLog log, string name)
    {
        var absolute = pvOffset + start;
        if (start < 0 || start >= pv.Length)
        {
            log.Add(Severity.Error, "lvm.mda.outside", "metadata area", absolute, $"metadata area {number} starts beyond the end of the device ({pv.Length} bytes)", source: name);
            return new MetadataAreaScan(number, absolute, size, null, fromDefaults, []);
        }

        var headerBytes = pv.ReadBytes(start, MdaHeader.Size);
        MdaHeader.TryRead(headerBytes, absolute, log, start, size, name, out var header);
        if (size <= MdaHeader.Size && header is not null)
        {
            size = header.SizeBytes;
        }

        var limit = Math.Min(pv.Length - start, Limits.MaxMetadataAreaBytes);
        if (size <= MdaHeader.Size || size > limit)
        {
            log.Add(Severity.Error, "lvm.mda.size-range", "metadata area", absolute, $"metadata area {number} size {size} is not usable (at most {limit} bytes here)", source: name);
            size = Math.Min(Math.Max(size, 0), limit);
            if (size <= MdaHeader.Size)
            {
                return new MetadataAreaScan(number, absolute, size, header, fromDefaults, []);
            }
        }

        var (area, heads) = ReadFindingHeads(pv, start, (int)size);
        var copies = MetadataRingScanner.Scan(area, absolute, number, header, name, heads, log);
        return new MetadataAreaScan(number, absolute, area.Length, header, fromDefaults, copies);
    }

    /// <summary>
    /// Reads the area 1 MiB at a time and looks for the copies' heads in each part as soon as it is
    /// read (<see cref="MetadataRingScanner.FindHeads"/>), while the part is still in the cache,
    /// instead of going over the 11 MiB area again once it is all read.
    /// </summary>
    private static (byte[] Area, List<MetadataRingScanner.Head> Heads) ReadFindingHeads(IByteSource pv, long start, int size)
    {
        const int Part = 1 << 20;
        var area = new byte[size];
        var heads = new List<MetadataRingScanner.Head>();
        var read = 0;
        var next = 0;
        while (read < size)
        {
            var n = pv.ReadFullyAt(start + read, area.AsSpan(read, Math.Min(Part, size - read)));
            read += n;
            if (n == 0 || read == size)
            {
                break;
            }

            next = MetadataRingScanner.FindHeads(area, next, read, heads);
        }

        if (read < size)
        {
            area = area[..read];
        }

        MetadataRingScanner.FindHeads(area, next, area.Length, heads);
        return (area, heads);
    }

    /// <summary>With no label: an mda header is recognised by its magic and CRC, and its own start field.</summary>
    private static MetadataAreaScan? FindAreaByMagic(IByteSource pv, long pvOffset, FindingLog log, string name)
    {
        foreach (var start in DefaultMdaStarts)
        {
            var sector = pv.ReadBytes(start, MdaHeader.Size);
            if (!MdaHeader.HasMagic(sector))
            {
                continue;
            }

            var probe = new FindingLog();
            MdaHeader.TryRead(sector, pvOffset + start, probe, start, 0, name, out var header);
            if (header is null || !header.ChecksumMatches || header.StartBytes != start)
            {
                continue;
            }

            log.Add(Severity.Info, "lvm.mda.found-by-magic", "metadata area", pvOffset + start, $"metadata area header found by its magic, {header.SizeBytes} bytes", source: name);
            return ScanArea(pv, pvOffset, 1, start, header.SizeBytes, fromDefaults: true, log, name);
        }

        return null;
    }
}
