using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The footer both copies of the repaired file get (vhd.md 3.7, but never by truncating): the good
/// copy as it is, byte for byte; or, when neither copy is good, the better one with each field
/// that breaks a rule set to the value the rest of the image implies, and the checksum recomputed.
/// </summary>
internal static class FooterRepair
{
    public const string What = "VHD footer";

    public static (byte[] Bytes, VhdFooter Footer) Build(VhdInspection v, List<RepairAction> actions)
    {
        var footers = v.Footers;
        var chosen = footers.Chosen ?? throw new CorruptDataException(new Finding(Severity.Error, "vhd.no-footer", "VHD", Math.Max(0, v.Input.LengthBytes - VhdFooter.Size),
            "no VHD footer at the end or at offset 0: nothing says what the disk is, so nothing can be repaired", Source: v.Input.Name));
        var fromPrimary = footers.ChosenCopy == FooterCopy.Primary;
        var valid = fromPrimary ? footers.PrimaryValid : footers.BackupValid;
        var f = chosen;
        var headerAt = v.Header is { } header ? (ulong)header.At : f.DataOffset;
        if (!valid || (f.IsDynamicOrDifferencing && f.DataOffset != headerAt) || PlausibleSize(v, f, f.DiskType, out _) != f.CurrentSizeBytes)
        {
            f = Fix(v, chosen, headerAt, actions);
        }

        var bytes = ReferenceEquals(f, chosen) ? (byte[])chosen.Raw.Clone() : VhdFooter.Encode(f);
        var copy = fromPrimary ? "the primary footer (at the end)" : "the footer copy at offset 0";
        if (f.IsDynamicOrDifferencing && !(footers.PrimaryValid && footers.BackupValid && FooterRules.FirstDifference(footers.Primary!, footers.Backup!) < 0))
        {
            if (!fromPrimary || !footers.PrimaryValid)
            {
                actions.Add(new RepairAction(What, footers.PrimaryAt, "primary footer (at the end)", Describe(footers.Primary, footers.PrimaryKilled), "rewritten", $"copied from {copy}"));
            }

            if (fromPrimary || !footers.BackupValid)
            {
                actions.Add(new RepairAction(What, 0, "footer copy at offset 0", Describe(footers.Backup, false), "rewritten", $"copied from {copy}"));
            }
        }

        return (bytes, f);
    }

    private static VhdFooter Fix(VhdInspection v, VhdFooter f, ulong headerAt, List<RepairAction> actions)
    {
        var at = v.Footers.ChosenAt;
        void Changed(int off, string field, string old, string now, string why) => actions.Add(new RepairAction(What, at + off, field, old, now, why));

        if (f.IsPoisoned)
        {
            Changed(VhdFooter.Off.Cookie, "cookie", "v_poison", "conectix", "a journaled resize was interrupted; if a jvhd_ journal exists, 'vhd-util revert' on a copy may be the better repair");
        }

        var features = (f.Features & FooterRules.FeatureTemporary) | FooterRules.FeatureReserved;
        if (features != f.Features)
        {
            Changed(VhdFooter.Off.Features, "features", $"0x{f.Features:x8}", $"0x{features:x8}", "only 0x1 and 0x2 exist and 0x2 is always set");
        }

        if (f.FormatVersion != FooterRules.FormatVersion)
        {
            Changed(VhdFooter.Off.FormatVersion, "format version", $"0x{f.FormatVersion:x8}", "0x00010000", "the only version there is");
        }

        var type = f.DiskType;
        if (type is not (VhdDiskType.Fixed or VhdDiskType.Dynamic or VhdDiskType.Differencing))
        {
            type = v.Header?.Raw is { } raw && raw.AsSpan(0, 8).SequenceEqual(DynamicHeader.Cookie)
                ? new Guid(raw.AsSpan(DynamicHeader.Off.ParentUuid, 16), bigEndian: true) == Guid.Empty ? VhdDiskType.Dynamic : VhdDiskType.Differencing
                : VhdDiskType.Fixed;
            Changed(VhdFooter.Off.DiskType, "disk type", ((uint)f.DiskType).ToString(), ((uint)type).ToString(), "from the dynamic header and its parent uuid");
        }

        var dataOffset = type == VhdDiskType.Fixed ? VhdFooter.NoDataOffset : headerAt;
        if (dataOffset != f.DataOffset)
        {
            Changed(VhdFooter.Off.DataOffset, "data offset", f.DataOffset.ToString(), dataOffset.ToString(), "where the dynamic header is");
        }

        var creatorVersion = f.CreatorApp.StartsWith("tap", StringComparison.Ordinal) && f.CreatorVersion > FooterRules.TapCurrentVersion ? FooterRules.TapCurrentVersion : f.CreatorVersion;
        if (creatorVersion != f.CreatorVersion)
        {
            Changed(VhdFooter.Off.CreatorVersion, "creator version", $"0x{f.CreatorVersion:x8}", $"0x{creatorVersion:x8}", "tapdisk refuses versions newer than 1.3");
        }

        var size = PlausibleSize(v, f, type, out var sizeWhy);
        if (size != f.CurrentSizeBytes)
        {
            Changed(VhdFooter.Off.CurrentSize, "current size", f.CurrentSizeBytes.ToString(), size.ToString(), sizeWhy);
        }

        var chs = VhdGeometry.ForSize(size);
        var geometry = f.Geometry > chs ? chs : f.Geometry;
        if (geometry != f.Geometry)
        {
            Changed(VhdFooter.Off.Geometry, "geometry", $"0x{f.Geometry:x8}", $"0x{geometry:x8}", "the CHS geometry of the current size");
        }

        var saved = f.SavedState > 1 ? (byte)0 : f.SavedState;
        var hidden = f.Hidden > 1 ? (byte)1 : f.Hidden;
        if (saved != f.SavedState)
        {
            Changed(VhdFooter.Off.SavedState, "saved state", f.SavedState.ToString(), "0", "must be 0 or 1");
        }

        if (hidden != f.Hidden)
        {
            Changed(VhdFooter.Off.Hidden, "hidden", f.Hidden.ToString(), "1", "must be 0 or 1");
        }

        var uuid = f.Uuid == Guid.Empty ? Guid.NewGuid() : f.Uuid;
        if (uuid != f.Uuid)
        {
            Changed(VhdFooter.Off.Uuid, "unique id", Guid.Empty.ToString(), uuid.ToString(), "a VHD needs a uuid (vhd-util repair does the same)");
        }

        if (f.Raw.AsSpan(VhdFooter.Off.Reserved).ContainsAnyExcept((byte)0))
        {
            Changed(VhdFooter.Off.Reserved, "reserved bytes", "not zero", "zero", "must be zero");
        }

        var fixedFooter = f with
        {
            IsPoisoned = false,
            Features = features,
            FormatVersion = FooterRules.FormatVersion,
            DiskType = type,
            DataOffset = dataOffset,
            CreatorVersion = creatorVersion,
            CurrentSizeBytes = size,
            Geometry = geometry,
            SavedState = saved,
            Hidden = hidden,
            Uuid = uuid,
        };
        var encoded = VhdFooter.Encode(fixedFooter);
        var checksum = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(encoded.AsSpan(VhdFooter.Off.Checksum));
        if (checksum != f.StoredChecksum)
        {
            Changed(VhdFooter.Off.Checksum, "checksum", $"0x{f.StoredChecksum:x8}", $"0x{checksum:x8}", "recomputed");
        }

        return fixedFooter with { StoredChecksum = checksum, ComputedChecksum = checksum, Raw = encoded };
    }

    /// <summary>
    /// The current size, unless it cannot be right (issue 15: a size of 2^63 made convert and repair
    /// run on, or crash sizing an 8 EiB file): a fixed VHD's data is the file less its footer; a
    /// dynamic one's is at most what its BAT covers and what a VHD holds, and then the footer's
    /// original size is taken when it fits, else the BAT's cover.
    /// </summary>
    private static ulong PlausibleSize(VhdInspection v, VhdFooter f, VhdDiskType type, out string why)
    {
        why = "";
        var size = f.CurrentSizeBytes;
        if (type == VhdDiskType.Fixed)
        {
            var data = (ulong)Math.Max(0, v.Input.LengthBytes - VhdFooter.Size);
            why = "a fixed VHD's disk is the file less its footer";
            return size > data ? data : size;
        }

        if (v.Header?.Raw is not { } raw || !raw.AsSpan(0, 8).SequenceEqual(DynamicHeader.Cookie))
        {
            return size;
        }

        var entries = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(DynamicHeader.Off.MaxTableEntries));
        var block = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(DynamicHeader.Off.BlockSize));
        var cover = Math.Min((ulong)entries * block, (ulong)DynamicVhdWriter.MaxVirtualSizeBytes);
        if (block == 0 || size <= cover || size <= (ulong)DynamicVhdWriter.MaxVirtualSizeBytes)
        {
            // A size the BAT does not cover but a VHD can hold: the header may be what is wrong.
            return size;
        }

        if (f.OriginalSizeBytes > 0 && f.OriginalSizeBytes <= cover && f.OriginalSizeBytes % VhdImage.SectorSize == 0)
        {
            why = $"more than a VHD holds and than the BAT covers ({cover} bytes): the footer's original size";
            return f.OriginalSizeBytes;
        }

        why = "more than a VHD holds: what the BAT covers (max_table_entries x block size)";
        return cover;
    }

    private static string Describe(VhdFooter? f, bool killed) =>
        killed ? "0xC7 (killed by tapdisk)"
        : f is null ? "missing"
        : !FooterRules.ChecksumOk(f) ? "bad checksum"
        : "differing";
}
