using System.Buffers.Binary;
using SrRescue.Diagnostics;

namespace SrRescue.Qcow2;

/// <summary>
/// One header extension (qcow2.txt, "Header extensions"): type, length, data padded to 8 bytes,
/// one after another from the header's end until a type 0. Known ones are named; unknown ones are
/// kept as they are (qemu ignores them too).
/// </summary>
/// <param name="Offset">Absolute byte offset of the extension's type field.</param>
public sealed record Qcow2Extension(uint Type, long Offset, byte[] Data)
{
    public const uint End = 0;
    public const uint BackingFormat = 0xE2792ACA;
    public const uint FeatureNameTable = 0x6803F857;
    public const uint Bitmaps = 0x23852875;
    public const uint FullDiskEncryption = 0x0537BE77;
    public const uint ExternalDataFile = 0x44415441;

    /// <summary>XCP-ng's own extension ("vate"): 8 bytes whose first is 1 when the VDI is hidden (sm qcow2util.py).</summary>
    public const uint XcpHidden = 0x76617465;

    /// <summary>More than this many extensions is garbage, not a header.</summary>
    public const int MaxCount = 1024;

    public string TypeName => Type switch
    {
        BackingFormat => "backing file format",
        FeatureNameTable => "feature name table",
        Bitmaps => "bitmaps",
        FullDiskEncryption => "full disk encryption",
        ExternalDataFile => "external data file",
        XcpHidden => "XCP-ng hidden flag",
        _ => "unknown",
    };

    /// <summary>
    /// The extensions in <paramref name="headerCluster"/> (the image's first cluster) from
    /// <paramref name="start"/>. Every extension must end inside that cluster (qemu's rule); one
    /// that does not ends the list with a finding.
    /// </summary>
    public static IReadOnlyList<Qcow2Extension> ReadAll(ReadOnlySpan<byte> headerCluster, long start, FindingLog log, string? source)
    {
        ArgumentNullException.ThrowIfNull(log);
        var list = new List<Qcow2Extension>();
        var at = start;
        while (true)
        {
            if (at + 8 > headerCluster.Length)
            {
                log.Add(Severity.Warning, Qcow2Codes.ExtensionUnterminated, "QCOW2 header extensions", at,
                    "the extension list runs to the end of the first cluster without its end mark");
                break;
            }

            var type = BinaryPrimitives.ReadUInt32BigEndian(headerCluster[(int)at..]);
            var length = BinaryPrimitives.ReadUInt32BigEndian(headerCluster[((int)at + 4)..]);
            if (type == End)
            {
                break;
            }

            if (length > headerCluster.Length - at - 8 || list.Count >= MaxCount)
            {
                log.Add(Severity.Error, Qcow2Codes.ExtensionBounds, "QCOW2 header extension", at,
                    $"extension 0x{type:x8} of {length} bytes does not fit in the first cluster; the extensions from here on are not read",
                    length.ToString(System.Globalization.CultureInfo.InvariantCulture), $"at most {headerCluster.Length - at - 8}", source);
                break;
            }

            list.Add(new Qcow2Extension(type, at, headerCluster.Slice((int)at + 8, (int)length).ToArray()));
            at += 8 + ((length + 7L) & ~7L);
        }

        return list;
    }
}
