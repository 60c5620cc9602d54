using SrRescue.Io;

namespace SrRescue.Vhd;

/// <summary>
/// What <see cref="VhdChecker"/> read from one VHD, structure by structure, with the values it
/// settled on where the stored ones are damaged (the footer copy in use, a recovered
/// max_table_entries). The repairer builds on it. Filled in step by step; read-only afterwards.
/// </summary>
internal sealed class VhdInspection
{
    public VhdInspection(IByteSource source, VhdCheckOptions options, CappedFindings log)
    {
        Source = source;
        Options = options;
        Log = log;
        LengthBytes = source.Length;
    }

    public IByteSource Source { get; }

    public VhdCheckOptions Options { get; }

    public CappedFindings Log { get; }

    public long LengthBytes { get; }

    /// <summary>Where the primary footer is read: the last 512 bytes, or the last 511 of a legacy image.</summary>
    public long PrimaryAt { get; set; }

    public VhdFooter? Primary { get; set; }

    /// <summary>The primary passes every footer rule (vhd-util would accept it).</summary>
    public bool PrimaryValid { get; set; }

    /// <summary>The last sector is all 0xC7: tapdisk had the image open (vhd.md 1.3).</summary>
    public bool PrimaryKilled { get; set; }

    public VhdFooter? Backup { get; set; }

    public bool BackupValid { get; set; }

    /// <summary>The footer the rest of the check relies on; null when neither copy is a footer.</summary>
    public VhdFooter? Footer { get; set; }

    public FooterCopy FooterUsed { get; set; } = FooterCopy.None;

    public long HeaderAt { get; set; } = -1;

    /// <summary>The 1024 header bytes as stored (even when the cookie is damaged), or null past the end of the file.</summary>
    public byte[]? HeaderRaw { get; set; }

    public DynamicHeader? Header { get; set; }

    /// <summary>max_table_entries as stored, or the value recovered from the other facts when it is damaged.</summary>
    public uint MaxTableEntries { get; set; }

    /// <summary>Set when the stored max_table_entries was judged damaged and this value recovered.</summary>
    public uint? RecoveredMaxTableEntries { get; set; }

    public string? RecoveryEvidence { get; set; }

    public uint BlockSizeBytes { get; set; }

    public int BitmapSectors { get; set; }

    public long SectorsPerBlock => BlockSizeBytes / VhdImage.SectorSize;

    /// <summary>Sectors one allocated block occupies in the file: bitmap and data.</summary>
    public long BlockFootprintSectors => BitmapSectors + SectorsPerBlock;

    /// <summary>BAT entries that describe the virtual disk: ceil(current size / block size), bounded.</summary>
    public uint[] Bat { get; set; } = [];

    public long BatAt => Header is null ? -1 : (long)Header.TableOffset;

    /// <summary>Entries the BAT rules found impossible (in the metadata, past the end, overlapping): later steps skip them.</summary>
    public bool[] Unusable { get; set; } = [];

    /// <summary>True for blktap images of version 1.2 and later, which must have a batmap (vhd.md 3.4).</summary>
    public bool ExpectsBatmap { get; set; }

    public long BatmapHeaderAt { get; set; } = -1;

    public BatmapHeader? BatmapHeader { get; set; }

    public byte[]? Batmap { get; set; }

    public bool BatmapValid { get; set; }

    /// <summary>First byte after the header, BAT, batmap and locators (libvhd vhd_end_of_headers).</summary>
    public long EndOfHeadersBytes { get; set; }

    /// <summary>Blocks may not reach past this byte: the primary footer's start, or the end of the file when it is gone.</summary>
    public long BlockLimitBytes { get; set; }

    public bool IsCreatorTap => Footer is { } f && f.CreatorApp.StartsWith("tap", StringComparison.Ordinal);

    public bool IsAllocated(int block) => block < Bat.Length && Bat[block] != VhdImage.Unallocated;

    public bool BatmapSaysFull(int block) =>
        Batmap is { } map && block >> 3 < map.Length && (map[block >> 3] & (0x80 >> (block & 7))) != 0;

    /// <summary>What a differencing disk calls its parent (header name, else the first locator path).</summary>
    public string? ParentDescribed { get; set; }

    /// <summary>Where the resolver found the parent.</summary>
    public string? ParentFoundAt { get; set; }

    public string Name => Source.Name;
}
