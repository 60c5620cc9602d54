using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The footer rules of vhd-util check (vhd.md 3.6, blktap vhd-util-check.c
/// vhd_util_check_validate_footer), applied to one footer copy. Cookie and checksum are already
/// reported by <see cref="VhdFooter.TryRead"/>; these are the other ten.
/// </summary>
internal static class FooterRules
{
    /// <summary>vhd-util allows timestamps this far in the future (NFS clock skew).</summary>
    public const uint TimestampSlackSeconds = 1800;

    public const uint FormatVersion = 0x00010000;
    public const uint FeatureTemporary = 0x1;
    public const uint FeatureReserved = 0x2;

    /// <summary>The newest blktap creator version (1.3, vhd.md 1.4).</summary>
    public const uint TapCurrentVersion = 0x00010003;

    /// <summary>Applies the rules; true when the footer passes all that make vhd-util reject it.</summary>
    public static bool Validate(VhdFooter f, long at, string what, CappedFindings log, DateTime nowUtc)
    {
        var ok = !f.IsPoisoned;
        if (!ChecksumOk(f))
        {
            ok = false;
            if (f.ChecksumMatchesWithoutHidden)
            {
                // TryRead accepted it with the hidden byte taken as 0; blktap does that only for the
                // tapdisk versions that had the bug (0.1 and 1.1).
                log.Add(Severity.Error, "vhd.footer.checksum", what, at + VhdFooter.Off.Checksum,
                    "footer checksum matches only with the hidden byte taken as 0, which only tapdisk 0.1 and 1.1 did",
                    $"0x{f.StoredChecksum:x8}", $"0x{f.ComputedChecksum:x8}");
            }
        }

        if ((f.Features & FeatureReserved) == 0)
        {
            ok = Error(log, "vhd.footer.features", what, at + VhdFooter.Off.Features, "the 'reserved' feature bit 0x2 must always be set", $"0x{f.Features:x8}", "0x00000002");
        }
        else if ((f.Features & ~(FeatureTemporary | FeatureReserved)) != 0)
        {
            ok = Error(log, "vhd.footer.features", what, at + VhdFooter.Off.Features, "unknown feature bits are set", $"0x{f.Features:x8}", "0x00000002");
        }

        if (f.FormatVersion != FormatVersion)
        {
            ok = Error(log, "vhd.footer.version", what, at + VhdFooter.Off.FormatVersion, "file format version is not 1.0", $"0x{f.FormatVersion:x8}", "0x00010000");
        }

        if (!f.IsDynamicOrDifferencing && f.DataOffset != VhdFooter.NoDataOffset)
        {
            ok = Error(log, "vhd.footer.data-offset", what, at + VhdFooter.Off.DataOffset, "a fixed disk's data offset must be all ones", $"0x{f.DataOffset:x16}", "0xffffffffffffffff");
        }

        var now = VhdTime.FromDateTime(nowUtc);
        if (f.Timestamp > (ulong)now + TimestampSlackSeconds)
        {
            // Never reject an image on its timestamp alone (vhd.md 1.7): vhd-lib writes Unix time.
            log.Add(Severity.Warning, "vhd.footer.timestamp", what, at + VhdFooter.Off.Timestamp,
                $"creation time {f.CreatedUtc:yyyy-MM-dd HH:mm:ss}Z is in the future (vhd-util check -t ignores this)", f.Timestamp.ToString(), $"<= {now + TimestampSlackSeconds}");
        }

        if (f.CreatorApp.StartsWith("tap", StringComparison.Ordinal) && f.CreatorVersion > TapCurrentVersion)
        {
            ok = Error(log, "vhd.footer.creator-version", what, at + VhdFooter.Off.CreatorVersion, "tapdisk creator version newer than 1.3, which blktap does not know", $"0x{f.CreatorVersion:x8}", "<= 0x00010003");
        }

        var chs = VhdGeometry.ForSize(f.CurrentSizeBytes);
        if (f.Geometry > chs)
        {
            ok = Error(log, "vhd.footer.geometry", what, at + VhdFooter.Off.Geometry, "geometry too large for the current size",
                $"{f.Geometry >> 16}/{(f.Geometry >> 8) & 0xFF}/{f.Geometry & 0xFF}", $"<= {chs >> 16}/{(chs >> 8) & 0xFF}/{chs & 0xFF}");
        }

        if (f.DiskType is not (VhdDiskType.Fixed or VhdDiskType.Dynamic or VhdDiskType.Differencing))
        {
            ok = Error(log, "vhd.footer.disk-type", what, at + VhdFooter.Off.DiskType, "disk type is not fixed (2), dynamic (3) or differencing (4)", ((uint)f.DiskType).ToString(), "2, 3 or 4");
        }

        if (f.SavedState > 1)
        {
            ok = Error(log, "vhd.footer.saved-state", what, at + VhdFooter.Off.SavedState, "saved state must be 0 or 1", f.SavedState.ToString(), "0 or 1");
        }

        if (f.Hidden > 1)
        {
            ok = Error(log, "vhd.footer.hidden", what, at + VhdFooter.Off.Hidden, "hidden must be 0 or 1", f.Hidden.ToString(), "0 or 1");
        }

        var reserved = f.Raw.AsSpan(VhdFooter.Off.Reserved).IndexOfAnyExcept((byte)0);
        if (reserved >= 0)
        {
            ok = Error(log, "vhd.footer.reserved", what, at + VhdFooter.Off.Reserved + reserved, "reserved bytes 86-511 are not zero", $"0x{f.Raw[VhdFooter.Off.Reserved + reserved]:x2}", "0x00");
        }

        if (f.Uuid == Guid.Empty)
        {
            log.Add(Severity.Warning, "vhd.footer.uuid", what, at + VhdFooter.Off.Uuid, "the unique id is all zeros: no child can name this disk as its parent");
        }

        return ok;
    }

    /// <summary>The checksum rule with blktap's exception for tapdisk 0.1 and 1.1 (vhd.md 1.2).</summary>
    public static bool ChecksumOk(VhdFooter f) => f.ChecksumMatches || (f.ChecksumMatchesWithoutHidden && IsOldTap(f));

    /// <summary>tapdisk 0.1 and 1.1 set the hidden byte without updating the checksum.</summary>
    public static bool IsOldTap(VhdFooter f) =>
        f.CreatorApp.StartsWith("tap", StringComparison.Ordinal) && f.CreatorVersion is 0x00000001 or 0x00010001;

    /// <summary>
    /// Compares the two copies byte for byte (vhd_util_check_footer), allowing the old-tap case where
    /// only the copy at 0 has hidden set. Returns the first differing byte outside the checksum, or -1.
    /// </summary>
    public static int FirstDifference(VhdFooter primary, VhdFooter backup)
    {
        if (primary.Raw.AsSpan().SequenceEqual(backup.Raw))
        {
            return -1;
        }

        if (backup.Hidden != 0 && IsOldTap(backup))
        {
            var copy = (byte[])backup.Raw.Clone();
            copy[VhdFooter.Off.Hidden] = 0;
            if (primary.Raw.AsSpan().SequenceEqual(copy))
            {
                return -1;
            }
        }

        // The checksums differ whenever anything else does; name the field that does.
        for (var i = 0; i < VhdFooter.Size; i++)
        {
            if (primary.Raw[i] != backup.Raw[i] && i is not (>= VhdFooter.Off.Checksum and < VhdFooter.Off.Checksum + 4))
            {
                return i;
            }
        }

        return VhdFooter.Off.Checksum;
    }

    /// <summary>The name of the footer field that holds byte <paramref name="index"/>.</summary>
    public static string FieldAt(int index) => index switch
    {
        < VhdFooter.Off.Features => "cookie",
        < VhdFooter.Off.FormatVersion => "features",
        < VhdFooter.Off.DataOffset => "format version",
        < VhdFooter.Off.Timestamp => "data offset",
        < VhdFooter.Off.CreatorApp => "timestamp",
        < VhdFooter.Off.CreatorVersion => "creator application",
        < VhdFooter.Off.CreatorOs => "creator version",
        < VhdFooter.Off.OriginalSize => "creator host OS",
        < VhdFooter.Off.CurrentSize => "original size",
        < VhdFooter.Off.Geometry => "current size",
        < VhdFooter.Off.DiskType => "geometry",
        < VhdFooter.Off.Checksum => "disk type",
        < VhdFooter.Off.Uuid => "checksum",
        < VhdFooter.Off.SavedState => "unique id",
        VhdFooter.Off.SavedState => "saved state",
        VhdFooter.Off.Hidden => "hidden",
        _ => "reserved",
    };

    private static bool Error(CappedFindings log, string code, string what, long offset, string message, string stored, string expected)
    {
        log.Add(Severity.Error, code, what, offset, message, stored, expected);
        return false;
    }
}
