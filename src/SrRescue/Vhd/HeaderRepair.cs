using System.Buffers.Binary;
using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The dynamic header of the repaired file: the stored bytes with every field that breaks a rule
/// set from the other facts (max_table_entries from the batmap position and the checksum, see
/// <see cref="MaxTableEntriesRecovery"/>), the parent fields of a disk that has no parent cleared,
/// and the checksum recomputed.
/// </summary>
internal static class HeaderRepair
{
    public const string What = "VHD dynamic header";

    /// <summary>Where blktap, qemu and vhd-lib put the BAT (vhd.md 2.1).</summary>
    public const ulong UsualTableOffset = 1536;

    public static byte[] Build(VhdInspection v, VhdFooter footer, List<RepairAction> actions)
    {
        if (v.Header is not { Raw: { } stored } header)
        {
            throw new CorruptDataException(new Finding(Severity.Error, "vhd.header.truncated", What, v.Header?.At ?? 0,
                "the file ends before the dynamic header: there is no BAT to repair", Source: v.Input.Name));
        }

        var at = header.At;

        var raw = (byte[])stored.Clone();
        void Changed(int off, string field, string old, string now, string why) => actions.Add(new RepairAction(What, at + off, field, old, now, why));

        if (!raw.AsSpan(0, 8).SequenceEqual(DynamicHeader.Cookie))
        {
            DynamicHeader.Cookie.CopyTo(raw);
            Changed(DynamicHeader.Off.Cookie, "cookie", "damaged", "cxsparse", "the footer says a dynamic header is here");
        }

        SetU64(raw, DynamicHeader.Off.DataOffset, ulong.MaxValue, "data offset", "must be all ones", Changed);
        SetU32(raw, DynamicHeader.Off.HeaderVersion, HeaderRules.Version, "header version", "the only version there is", Changed);

        var blockSize = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(DynamicHeader.Off.BlockSize));
        if (blockSize is < 512 or > HeaderRules.MaxBlockSizeBytes || (blockSize & (blockSize - 1)) != 0)
        {
            SetU32(raw, DynamicHeader.Off.BlockSize, HeaderRules.MaxBlockSizeBytes, "block size", "not a usable power of two; 2 MiB is what every XenServer VHD uses", Changed);
        }

        var table = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(DynamicHeader.Off.TableOffset));
        if (table == 0 || table % 512 != 0 || table >= (ulong)v.Input.LengthBytes)
        {
            SetU64(raw, DynamicHeader.Off.TableOffset, UsualTableOffset, "table offset", "outside the file or unaligned; 1536 is where blktap and qemu put the BAT", Changed);
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(DynamicHeader.Off.Reserved1)) != 0)
        {
            SetU32(raw, DynamicHeader.Off.Reserved1, 0, "reserved field", "must be zero", Changed);
        }

        if (raw.AsSpan(DynamicHeader.Off.Reserved2).ContainsAnyExcept((byte)0))
        {
            raw.AsSpan(DynamicHeader.Off.Reserved2).Clear();
            Changed(DynamicHeader.Off.Reserved2, "reserved bytes 768-1023", "not zero", "zero", "must be zero");
        }

        if (footer.DiskType != VhdDiskType.Differencing && raw.AsSpan(DynamicHeader.Off.ParentUuid, DynamicHeader.Off.Reserved2 - DynamicHeader.Off.ParentUuid).ContainsAnyExcept((byte)0))
        {
            raw.AsSpan(DynamicHeader.Off.ParentUuid, DynamicHeader.Off.Reserved2 - DynamicHeader.Off.ParentUuid).Clear();
            Changed(DynamicHeader.Off.ParentUuid, "parent fields", "not zero", "zero", "a disk that is not differencing has no parent");
        }

        var max = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(DynamicHeader.Off.MaxTableEntries));
        var recovered = header.RecoveredMaxTableEntries;
        var evidence = header.RecoveryEvidence;
        if (recovered is null && !stored.AsSpan().SequenceEqual(raw))
        {
            // The checker could not weigh max_table_entries (the header was unreadable); do it on the fixed bytes.
            if (DynamicHeader.TryRead(StoredChecksumKept(raw, stored), at, new FindingLog(), v.Input.Name, out var h)
                && MaxTableEntriesRecovery.Recover(v.Input.Source, h, footer.CurrentSizeBytes) is { } r && r.Value != max)
            {
                (recovered, evidence) = (r.Value, r.Evidence);
            }
        }

        if (recovered is { } m && m != max)
        {
            SetU32(raw, DynamicHeader.Off.MaxTableEntries, m, "max_table_entries", evidence ?? "recovered", Changed);
            max = m;
        }

        // A BAT larger than any we read (64 MiB) is a damaged field, not a disk: bound it by the
        // size the footer gives, or by the file, so the repaired file does not grow by its claim.
        if (max > VhdImage.MaxBatEntries)
        {
            table = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(DynamicHeader.Off.TableOffset));
            blockSize = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(DynamicHeader.Off.BlockSize));
            var roomBytes = v.Input.LengthBytes - VhdFooter.Size - (long)Math.Min(table, (ulong)v.Input.LengthBytes);
            var roomEntries = Math.Clamp(roomBytes / VhdImage.SectorSize * 128, 1, VhdImage.MaxBatEntries);
            var needed = (footer.CurrentSizeBytes / blockSize) + (footer.CurrentSizeBytes % blockSize == 0 ? 0UL : 1UL);
            var bounded = needed is > 0 and <= VhdImage.MaxBatEntries ? (uint)needed : (uint)roomEntries;
            SetU32(raw, DynamicHeader.Off.MaxTableEntries, bounded, "max_table_entries", $"a BAT of {max} entries is no disk's; {(bounded == needed ? "the size in the footer needs" : "the file holds")} {bounded}", Changed);
        }

        var before = BinaryPrimitives.ReadUInt32BigEndian(stored.AsSpan(DynamicHeader.Off.Checksum));
        var fixedBytes = DynamicHeader.WithChecksum(raw);
        var after = BinaryPrimitives.ReadUInt32BigEndian(fixedBytes.AsSpan(DynamicHeader.Off.Checksum));
        if (after != before)
        {
            Changed(DynamicHeader.Off.Checksum, "checksum", $"0x{before:x8}", $"0x{after:x8}", "recomputed");
        }

        return fixedBytes;
    }

    /// <summary>The fixed bytes with the stored checksum, so the checksum still tells which value of max_table_entries it was made for.</summary>
    private static byte[] StoredChecksumKept(byte[] raw, byte[] stored)
    {
        var b = (byte[])raw.Clone();
        stored.AsSpan(DynamicHeader.Off.Checksum, 4).CopyTo(b.AsSpan(DynamicHeader.Off.Checksum));
        return b;
    }

    private static void SetU32(byte[] raw, int off, uint value, string field, string why, Action<int, string, string, string, string> changed)
    {
        var old = BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(off));
        if (old != value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(raw.AsSpan(off), value);
            changed(off, field, old.ToString(), value.ToString(), why);
        }
    }

    private static void SetU64(byte[] raw, int off, ulong value, string field, string why, Action<int, string, string, string, string> changed)
    {
        var old = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(off));
        if (old != value)
        {
            BinaryPrimitives.WriteUInt64BigEndian(raw.AsSpan(off), value);
            changed(off, field, old.ToString(), value.ToString(), why);
        }
    }
}
