using System.Buffers.Binary;
using System.Text;
using SrRescue.Diagnostics;

namespace SrRescue.Vhd;

/// <summary>
/// The dynamic header rules of vhd-util check (vhd.md 3.6: vhd_util_check_validate_header and
/// vhd_util_check_validate_differencing_header), on the stored bytes. Cookie and checksum are
/// reported by <see cref="DynamicHeader.TryRead"/>.
/// </summary>
internal static class HeaderRules
{
    public const string What = "VHD dynamic header";
    public const uint Version = 0x00010000;

    /// <summary>blktap refuses larger blocks (vhd_validate_header).</summary>
    public const uint MaxBlockSizeBytes = 2u << 20;

    private static readonly Encoding StrictUtf16Be = new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    public static void Validate(InspectionInput input, long at, DynamicHeader h)
    {
        var log = input.Log;
        if (h.HeaderVersion != Version)
        {
            log.Add(Severity.Error, "vhd.header.version", What, at + DynamicHeader.Off.HeaderVersion, "header version is not 1.0", $"0x{h.HeaderVersion:x8}", "0x00010000");
        }

        if (h.DataOffset != ulong.MaxValue)
        {
            log.Add(Severity.Error, "vhd.header.data-offset", What, at + DynamicHeader.Off.DataOffset, "the header's data offset must be all ones", $"0x{h.DataOffset:x16}", "0xffffffffffffffff");
        }

        if (h.TableOffset == 0 || h.TableOffset % VhdImage.SectorSize != 0)
        {
            log.Add(Severity.Error, "vhd.header.table-offset", What, at + DynamicHeader.Off.TableOffset, "the BAT offset must be a non-zero multiple of 512", h.TableOffset.ToString(), "a multiple of 512, usually 1536");
        }
        else if (!Fits(h.TableOffset, (ulong)h.MaxTableEntries * 4, input.LengthBytes - VhdFooter.Size))
        {
            log.Add(Severity.Error, "vhd.header.table-range", What, at + DynamicHeader.Off.MaxTableEntries,
                $"a BAT of {h.MaxTableEntries} entries at byte {h.TableOffset} runs past the footer at byte {input.LengthBytes - VhdFooter.Size}",
                h.MaxTableEntries.ToString(), $"<= {Math.Max(0, (input.LengthBytes - VhdFooter.Size - (long)Math.Min(h.TableOffset, (ulong)input.LengthBytes)) / 4)}");
        }

        if (h.BlockSizeBytes == 0 || (h.BlockSizeBytes & (h.BlockSizeBytes - 1)) != 0)
        {
            log.Add(Severity.Error, "vhd.header.block-size", What, at + DynamicHeader.Off.BlockSize, "block size is not a power of two", h.BlockSizeBytes.ToString(), "2097152");
        }
        else if (h.BlockSizeBytes > MaxBlockSizeBytes || h.BlockSizeBytes < VhdImage.SectorSize)
        {
            log.Add(Severity.Error, "vhd.header.block-size", What, at + DynamicHeader.Off.BlockSize, "block size outside 512 bytes to 2 MiB, which blktap refuses", h.BlockSizeBytes.ToString(), "2097152");
        }

        var res1 = BinaryPrimitives.ReadUInt32BigEndian(h.Raw.AsSpan(DynamicHeader.Off.Reserved1));
        if (res1 != 0)
        {
            log.Add(Severity.Error, "vhd.header.reserved", What, at + DynamicHeader.Off.Reserved1, "reserved field after the parent timestamp is not zero", $"0x{res1:x8}", "0");
        }

        var res2 = h.Raw.AsSpan(DynamicHeader.Off.Reserved2).IndexOfAnyExcept((byte)0);
        if (res2 >= 0)
        {
            log.Add(Severity.Error, "vhd.header.reserved", What, at + DynamicHeader.Off.Reserved2 + res2, "reserved bytes 768-1023 are not zero", $"0x{h.Raw[DynamicHeader.Off.Reserved2 + res2]:x2}", "0x00");
        }
    }

    /// <summary>Parent fields: a differencing disk's must decode; everyone else's must be zero.</summary>
    public static void ValidateParentFields(InspectionInput input, long at, DynamicHeader h, VhdDiskType type)
    {
        var log = input.Log;
        if (type == VhdDiskType.Differencing)
        {
            var now = VhdTime.FromDateTime(input.Options.NowUtc ?? DateTime.UtcNow);
            if (h.ParentTimestamp > (ulong)now + FooterRules.TimestampSlackSeconds)
            {
                log.Add(Severity.Warning, "vhd.header.parent-timestamp", What, at + DynamicHeader.Off.ParentTimestamp,
                    $"parent time {VhdTime.ToDateTime(h.ParentTimestamp):yyyy-MM-dd HH:mm:ss}Z is in the future", h.ParentTimestamp.ToString(), $"<= {now + FooterRules.TimestampSlackSeconds}");
            }

            if (DecodeParentName(h.Raw) is null)
            {
                log.Add(Severity.Error, "vhd.header.parent-name", What, at + DynamicHeader.Off.ParentName, "the parent name is not valid UTF-16BE");
            }

            if (h.ParentUuid == Guid.Empty)
            {
                log.Add(Severity.Info, "vhd.header.raw-parent", What, at + DynamicHeader.Off.ParentUuid,
                    "differencing disk with an empty parent uuid: blktap reads its parent as a raw volume (vhd.md 2.1)");
            }

            return;
        }

        ZeroField(log, h.Raw, at, DynamicHeader.Off.ParentName, 512, "parent name");
        ZeroField(log, h.Raw, at, DynamicHeader.Off.Locators, DynamicHeader.LocatorCount * ParentLocator.Size, "parent locators");
        ZeroField(log, h.Raw, at, DynamicHeader.Off.ParentUuid, 16, "parent uuid");
        ZeroField(log, h.Raw, at, DynamicHeader.Off.ParentTimestamp, 4, "parent timestamp");
    }

    /// <summary>The parent name decoded strictly (as blktap's iconv does), or null when it is not UTF-16BE.</summary>
    public static string? DecodeParentName(ReadOnlySpan<byte> headerRaw)
    {
        var field = headerRaw.Slice(DynamicHeader.Off.ParentName, 512);
        var units = 0;
        while (units < 256 && (field[units * 2] | field[(units * 2) + 1]) != 0)
        {
            units++;
        }

        try
        {
            return StrictUtf16Be.GetString(field[..(units * 2)]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>offset + length &lt;= limit, without overflow.</summary>
    public static bool Fits(ulong offset, ulong length, long limit) =>
        limit >= 0 && offset <= (ulong)limit && length <= (ulong)limit - offset;

    private static void ZeroField(CappedFindings log, byte[] raw, long at, int off, int length, string field)
    {
        var i = raw.AsSpan(off, length).IndexOfAnyExcept((byte)0);
        if (i >= 0)
        {
            log.Add(Severity.Error, "vhd.header.parent-fields", What, at + off + i, $"a disk that is not differencing has a non-zero {field}", $"0x{raw[off + i]:x2}", "0x00");
        }
    }
}
