namespace SrRescue.Xen.Mgt;

/// <summary>
/// Fixed layout of the MGT volume as srmetadata.py writes it (xenserver-lvhd.md 3.1) and the
/// bounds this reader puts on work done over it.
/// </summary>
internal static class MgtLayout
{
    /// <summary>SECTOR_SIZE and METADATA_BLK_SIZE: every write is whole 512-byte sectors.</summary>
    public const int SectorSize = 512;

    /// <summary>SR_INFO_SIZE_IN_SECTORS: header, uuid + allocation, name_label, name_description.</summary>
    public const int SrInfoSectors = 4;

    /// <summary>Byte offset of VDI record slot 0.</summary>
    public const int FirstSlotOffset = SectorSize * SrInfoSectors;

    /// <summary>LVMMetadataHandler.VDI_INFO_SIZE_IN_SECTORS = 2.</summary>
    public const int SlotSize = 2 * SectorSize;

    /// <summary>The MGT LV is 4 MiB; a header length beyond it cannot be right.</summary>
    public const int StandardSizeBytes = 4 * 1024 * 1024;

    /// <summary>MAX_VDI_NAME_LABEL_DESC_LENGTH / 2: a name or description longer than this was cut.</summary>
    public const int MaxNameBytes = 222;

    /// <summary>Elements one record may yield (1024 bytes hold fewer than 150).</summary>
    public const int MaxElementsPerRecord = 256;

    /// <summary>Elements one legacy document may yield (bounds work and memory on garbage).</summary>
    public const int MaxElementsPerDocument = 200_000;

    /// <summary>Element nesting the walker follows (real documents use 3).</summary>
    public const int MaxDepth = 32;

    /// <summary>Bytes read for one stale pretty-printed record found after a legacy document.</summary>
    public const int LegacyStaleWindow = 8192;

    /// <summary>Bytes shown as the stored value of a malformed spot.</summary>
    public const int ExcerptBytes = 32;
}
