using SrRescue.Lvm;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Fuzz;

/// <summary>
/// An image the fuzzer damages, with the byte ranges of its named structures (from the library's
/// own field offsets where it has them) and the commands that read it. {src} and {out} in the
/// commands stand for the damaged copy and a fresh output path.
/// </summary>
internal sealed record FuzzBase(string Name, string Path, long Length, bool BigEndian,
    IReadOnlyList<(string Target, long Start, long Length)> Fields, IReadOnlyList<string[]> Commands)
{
    /// <summary>lost_vdi (made by lvm2 and blktap): label, PV header, mda header, the ring, MGT, a VHD's structures.</summary>
    public static FuzzBase LostVdi()
    {
        var path = Fixtures.Image("lost_vdi");
        const long Label = LabelHeader.SectorSize;
        const long Mda = 4096;
        const long PeStart = 11L << 20;
        const long Mgt = PeStart; // MGT is the VG's first LV (xenserver-lvhd.md)
        return new FuzzBase("lost_vdi", path, new FileInfo(path).Length, BigEndian: false,
        [
            ("label header", Label + LabelHeader.Off.Id, LabelHeader.Size),
            ("pv header", Label + LabelHeader.Size, PvHeader.Off.DeviceSize + 64),
            ("mda header", Mda + MdaHeader.Off.Checksum, MdaHeader.Size),
            ("mda slots", Mda + MdaHeader.Off.Slot0, 48),
            ("metadata ring", Mda + MdaHeader.Size, 96 << 10),
            ("MGT", Mgt, 8192),
            ("first extents", PeStart + (4L << 20), 8L << 20),
        ],
        [
            ["scan", "{src}", "--json"],
            ["history", "{src}", "--json"],
            ["list", "{src}", "--json"],
            ["doctor", "{src}", "--json", "--output-dir", "{out}"],
            ["show-metadata", "{src}", "--seqno", "26"],
            ["diff", "{src}", "--from", "25", "--to", "27", "--json"],
            ["restore-metadata", "{src}", "--seqno", "26", "-o", "{out}", "--json"],
            ["export", "{src}", "--lv", "MGT", "-o", "{out}", "--json"],
            ["export", "{src}", "--vdi", "d68a9ac7-a858-4141-aee8-93a9cec769fd", "--format", "raw", "-o", "{out}", "--json"],
            ["partitions", "{src}", "--find", "--json"],
            ["carve", "{src}", "-o", "{out}", "--json"],
        ]);
    }

    /// <summary>A dynamic VHD made by blktap (vhd_damaged's a-footer-c7.orig.vhd): footers, header, BAT, batmap, first block.</summary>
    public static FuzzBase DynamicVhd() => Vhd("dynamic vhd", "a-footer-c7.orig.vhd");

    /// <summary>A differencing VHD made by blktap (vhd_damaged's f-child.orig.vhd): also its parent locators and name.</summary>
    public static FuzzBase DifferencingVhd() => Vhd("differencing vhd", "f-child.orig.vhd");

    private static FuzzBase Vhd(string name, string file)
    {
        var path = Fixtures.Image("vhd_damaged", file);
        var length = new FileInfo(path).Length;
        const long Header = VhdFooter.Size;
        return new FuzzBase(name, path, length, BigEndian: true,
        [
            ("footer copy", VhdFooter.Off.Cookie, VhdFooter.Size),
            ("footer sizes", VhdFooter.Off.OriginalSize, 24),
            ("dynamic header", Header + DynamicHeader.Off.Cookie, DynamicHeader.Off.ParentName),
            ("parent name and locators", Header + DynamicHeader.Off.ParentName, DynamicHeader.Size - DynamicHeader.Off.ParentName),
            ("BAT", 0x600, 64 << 10),
            ("batmap", 0x400600, 1024),
            ("first bitmap and block", 0x420E00, 8192),
            ("footer", length - VhdFooter.Size, VhdFooter.Size),
        ],
        [
            ["vhd", "info", "{src}", "--json"],
            ["vhd", "check", "{src}", "--bitmaps", "--json"],
            ["vhd", "repair", "{src}", "-o", "{out}", "--json"],
            ["vhd", "convert", "{src}", "-o", "{out}", "--format", "raw", "--allow-missing-parent"],
            ["doctor", "{src}", "--json", "--output-dir", "{out}"],
        ]);
    }
}
