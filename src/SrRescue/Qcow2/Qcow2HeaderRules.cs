using System.Globalization;
using SrRescue.Diagnostics;
using SrRescue.Io;

namespace SrRescue.Qcow2;

/// <summary>
/// What a header says that makes the data unreadable or doubtful: a version qemu does not know,
/// encryption, an external data file, feature bits nobody knows, a dirty or corrupt mark.
/// </summary>
internal static class Qcow2HeaderRules
{
    /// <summary>qemu's limit on a virtual size (QCOW_MAX... is 2^61 bytes: its L1 table cannot map more).</summary>
    public const ulong MaxVirtualSizeBytes = 1UL << 61;

    private const Qcow2Incompatible Known = Qcow2Incompatible.Dirty | Qcow2Incompatible.Corrupt | Qcow2Incompatible.ExternalDataFile
        | Qcow2Incompatible.CompressionType | Qcow2Incompatible.ExtendedL2;

    public static void Check(Qcow2Header h, IByteSource source, FindingLog log)
    {
        const string what = "QCOW2 header";
        var name = source.Name;
        if (h.Version is not (2 or 3))
        {
            log.Add(Severity.Error, Qcow2Codes.HeaderVersion, what, Qcow2Header.Off.Version,
                "version is neither 2 nor 3; the image is read as version 3, which may be wrong",
                h.Version.ToString(CultureInfo.InvariantCulture), "2 or 3", name);
        }

        if (h.Version >= 3 && (h.HeaderLengthBytes < Qcow2Header.Version3MinSize || h.HeaderLengthBytes % 8 != 0 || h.HeaderLengthBytes > h.ClusterSizeBytes))
        {
            log.Add(Severity.Error, Qcow2Codes.HeaderLength, what, Qcow2Header.Off.HeaderLength,
                "header_length is not a multiple of 8 from 104 to the cluster size; the header extensions may be misread",
                h.HeaderLengthBytes.ToString(CultureInfo.InvariantCulture), ">= 104, multiple of 8", name);
        }

        if (h.VirtualSizeBytes > MaxVirtualSizeBytes)
        {
            log.Add(Severity.Error, Qcow2Codes.SizeImplausible, what, Qcow2Header.Off.Size,
                "the virtual size is beyond what any QCOW2 L1 table can map; the field is damaged",
                h.VirtualSizeBytes.ToString(CultureInfo.InvariantCulture), $"at most {MaxVirtualSizeBytes}", name);
        }

        if (h.CryptMethod != 0)
        {
            log.Add(Severity.Error, Qcow2Codes.Encrypted, what, Qcow2Header.Off.CryptMethod,
                "the image is encrypted; its clusters are read as stored (cipher text), which is not the guest's data",
                h.CryptMethod.ToString(CultureInfo.InvariantCulture), "0", name);
        }

        var unknown = h.IncompatibleFeatures & ~Known;
        if (unknown != 0)
        {
            log.Add(Severity.Error, Qcow2Codes.UnknownFeatures, what, Qcow2Header.Off.IncompatibleFeatures,
                "incompatible feature bits nobody knows are set; qemu refuses such an image and what is read from it may be wrong",
                $"0x{(ulong)unknown:x}", "0", name);
        }

        if ((h.IncompatibleFeatures & Qcow2Incompatible.ExternalDataFile) != 0)
        {
            log.Add(Severity.Error, Qcow2Codes.ExternalData, what, Qcow2Header.Off.IncompatibleFeatures,
                "the guest data lives in an external data file, not in this image; only the metadata is read here", source: name);
        }

        if ((h.IncompatibleFeatures & Qcow2Incompatible.Dirty) != 0)
        {
            log.Add(Severity.Warning, Qcow2Codes.Dirty, what, Qcow2Header.Off.IncompatibleFeatures,
                "the dirty bit is set (lazy refcounts, not closed cleanly): the refcounts may be stale, the data is not affected", source: name);
        }

        if ((h.IncompatibleFeatures & Qcow2Incompatible.Corrupt) != 0)
        {
            log.Add(Severity.Error, Qcow2Codes.MarkedCorrupt, what, Qcow2Header.Off.IncompatibleFeatures,
                "qemu marked this image corrupt: it found damaged metadata while writing", source: name);
        }

        var compression = (h.IncompatibleFeatures & Qcow2Incompatible.CompressionType) != 0 ? h.CompressionType : 0;
        if (compression > 1)
        {
            log.Add(Severity.Error, Qcow2Codes.CompressionType, what, Qcow2Header.Off.CompressionType,
                "the compression type is neither deflate (0) nor zstd (1); compressed clusters cannot be read",
                compression.ToString(CultureInfo.InvariantCulture), "0 or 1", name);
        }

        if (h.RefcountOrder > 6)
        {
            log.Add(Severity.Error, Qcow2Codes.RefcountOrder, what, Qcow2Header.Off.RefcountOrder,
                "refcount_order is over 6 (64-bit refcounts); the refcounts cannot be read",
                h.RefcountOrder.ToString(CultureInfo.InvariantCulture), "0..6", name);
        }
    }
}
