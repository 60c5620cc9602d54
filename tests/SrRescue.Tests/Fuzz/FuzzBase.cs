using System.Text.Json;
using SrRescue.Lvm;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Fuzz;

/// <summary>
/// An image the fuzzer damages, with the byte ranges of its named structures (from the library's
/// own field offsets where it has them) and the commands that read it. {src} stands for the
/// damaged copy, {src2} for an undamaged copy of <see cref="Second"/> (the other PV of a two-PV
/// VG), {out} for a fresh output path, {backup} for the fixture's lvm-backup folder.
/// </summary>
internal sealed record FuzzBase(string Name, string Path, long Length, bool BigEndian,
    IReadOnlyList<(string Target, long Start, long Length)> Fields, IReadOnlyList<string[]> Commands)
{
    /// <summary>Where the image's metadata area header is, for damage to the metadata text; null for images without one.</summary>
    public long? MdaAt { get; init; }

    /// <summary>A second source given undamaged beside the damaged one, or null.</summary>
    public string? Second { get; init; }

    public string? BackupFolder { get; init; }

    /// <summary>Every image the harness damages: each SR fixture, the VHD and QCOW2 files, and partition tables made by sgdisk and sfdisk.</summary>
    public static FuzzBase[] All() =>
    [
        Lvm("lost_vdi"), Lvm("ring_wrapped"), Lvm("snapshot_chain"), Lvm("sr_recreated"), Lvm("multi_pv", "disk0.img", "disk1.img"),
        Lvm("mda_wiped_with_backup"), Lvm("gpt_local_sr"), Lvm("qcow2_sr"), DynamicVhd(), DifferencingVhd(), Qcow2(), Gpt(), MbrWithLogicals(),
    ];

    /// <summary>
    /// An SR fixture (made by lvm2 and blktap): label, PV header, mda header, its slots, the ring,
    /// MGT and the first extents, at the PV's offset (a PV in a partition: gpt_local_sr).
    /// </summary>
    public static FuzzBase Lvm(string scenario, string image = "disk.img", string? second = null)
    {
        var path = Fixtures.Image(scenario, image);
        var expected = Fixtures.Expected(scenario);
        var pv = expected.GetProperty("pvs").EnumerateArray().First(p => p.GetProperty("image").GetString() == image);
        var at = pv.TryGetProperty("offset", out var o) ? o.GetInt64() : 0;
        var peStart = at + pv.GetProperty("pe_start").GetInt64();
        var label = at + LabelHeader.SectorSize;
        var mda = at + 4096;
        var seqno = expected.GetProperty("seqno").GetInt64();
        var vdi = expected.GetProperty("vdis").EnumerateArray().Select(v => v.GetProperty("uuid").GetString()).FirstOrDefault() ?? "00000000-0000-0000-0000-000000000000";
        string[] src = second is null ? ["{src}"] : ["{src}", "{src2}"];
        string[] backup = scenario == "mda_wiped_with_backup" ? ["--lvm-backup", "{backup}"] : [];
        string S(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new FuzzBase(scenario, path, new FileInfo(path).Length, BigEndian: false,
        [
            ("label header", label + LabelHeader.Off.Id, LabelHeader.Size),
            ("pv header", label + LabelHeader.Size, PvHeader.Off.DeviceSize + 64),
            ("mda header", mda + MdaHeader.Off.Checksum, MdaHeader.Size),
            ("mda slots", mda + MdaHeader.Off.Slot0, 48),
            ("metadata ring", mda + MdaHeader.Size, 96 << 10),
            ("MGT", peStart, 8192), // MGT is the VG's first LV (xenserver-lvhd.md)
            ("first extents", peStart + (4L << 20), 8L << 20),
        ],
        [
            ["scan", .. src, .. backup, "--json"],
            ["history", .. src, .. backup, "--json"],
            ["list", .. src, .. backup, "--json"],
            ["doctor", .. src, .. backup, "--json", "--output-dir", "{out}"],
            ["show-metadata", .. src, .. backup, "--seqno", S(seqno)],
            ["diff", .. src, .. backup, "--from", S(Math.Max(1, seqno - 1)), "--to", S(seqno), "--json"],
            ["restore-metadata", .. src, .. backup, "--seqno", S(Math.Max(1, seqno - 1)), "-o", "{out}", "--json"],
            ["export", .. src, .. backup, "--lv", "MGT", "-o", "{out}", "--json"],
            ["export", .. src, .. backup, "--vdi", vdi!, "--format", "raw", "-o", "{out}", "--json"],
            ["partitions", "{src}", "--find", "--json"],
            ["carve", .. src, .. backup, "-o", "{out}", "--json"],
            ["serve", .. src, .. backup, "--vdi", vdi!, "--socket", "{out}", "--json"],
        ])
        {
            MdaAt = mda,
            Second = second is null ? null : Fixtures.Image(scenario, second),
            BackupFolder = backup.Length > 0 ? Fixtures.PathOf(scenario, "lvm-backup") : null,
        };
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
            ["serve", "{src}", "--allow-missing-parent", "--socket", "{out}", "--json"],
        ]);
    }

    /// <summary>
    /// A QCOW2 made by qemu-img (qcow2_files' base.qcow2, deflate-compressed clusters): header,
    /// extensions, refcount table and first block, L1 table, first L2 table, first data.
    /// </summary>
    public static FuzzBase Qcow2()
    {
        var path = Fixtures.Image("qcow2_files", "base.qcow2");
        using var file = SrRescue.Io.FileSource.Open(path);
        var image = SrRescue.Qcow2.Qcow2Image.Open(file, new SrRescue.Diagnostics.FindingLog());
        var h = image.Header;
        var l2 = (long)(image.L1[0] & 0x00FF_FFFF_FFFF_FE00);
        var cluster = image.ClusterSizeBytes;
        return new FuzzBase("qcow2", path, file.Length, BigEndian: true,
        [
            ("header", 0, SrRescue.Qcow2.Qcow2Header.Version3MinSize + 8),
            ("header extensions", h.HeaderLengthBytes, 512),
            ("refcount table", (long)h.RefcountTableOffset, 64),
            ("first refcount block", cluster * 2, 256),
            ("L1 table", (long)h.L1TableOffset, h.L1Entries * 8L),
            ("first L2 table", l2, 4096),
            ("first data", l2 + cluster, 4096),
        ],
        [
            ["qcow2", "info", "{src}", "--json"],
            ["qcow2", "check", "{src}", "--json"],
            ["qcow2", "convert", "{src}", "-o", "{out}", "--format", "raw", "--allow-missing-backing", "--json"],
            ["qcow2", "convert", "{src}", "-o", "{out}", "--format", "vhd", "--allow-missing-backing", "--json"],
            ["doctor", "{src}", "--json", "--output-dir", "{out}"],
            ["serve", "{src}", "--allow-missing-parent", "--socket", "{out}", "--json"],
        ]);
    }

    private static readonly string[][] PartitionCommands =
    [
        ["partitions", "{src}", "--json"],
        ["partitions", "{src}", "--find", "--json"],
        ["partitions", "{src}", "--find", "--write-table", "{out}", "--json"],
        ["doctor", "{src}", "--json", "--output-dir", "{out}"],
        ["scan", "{src}", "--json"],
    ];

    /// <summary>A GPT made by sgdisk on a 64 MiB image: protective MBR, header, entries, backup header (counts and sizes are the fields that matter).</summary>
    public static FuzzBase Gpt()
    {
        var path = Made("gpt.img", 64L << 20, file => ExternalTool.RunChecked(ExternalTool.Require("sgdisk", "gdisk"), "-n1:2048:+8M", "-t1:8300", "-n2:0:+16M", "-t2:8e00", file));
        var length = new FileInfo(path).Length;
        return new FuzzBase("gpt", path, length, BigEndian: false,
        [
            ("protective MBR entry", 446, 16),
            ("GPT header", 512, 92),
            ("GPT entry count and size", 512 + 80, 8),
            ("GPT entries", 1024, 256),
            ("backup GPT header", length - 512, 92),
        ], PartitionCommands);
    }

    /// <summary>An MBR with an extended partition and two logical ones made by sfdisk: the EBR chain (its links can be made to loop) and the primary entries.</summary>
    public static FuzzBase MbrWithLogicals()
    {
        var path = Made("mbr.img", 64L << 20, file =>
        {
            var sfdisk = ExternalTool.Require("sfdisk", "fdisk");
            var script = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, "mbr.sfdisk");
            File.WriteAllText(script, "label: dos\nstart=2048, size=16384, type=83\nstart=18432, type=5\nstart=20480, size=8192, type=8e\nstart=30720, size=8192, type=83\n");
            var r = ExternalTool.Run("sh", ["-c", $"{sfdisk} --no-reread --no-tell-kernel {file} < {script}"]);
            Assert.True(r.ExitCode == 0, r.All);
        });
        return new FuzzBase("mbr with logicals", path, new FileInfo(path).Length, BigEndian: false,
        [
            ("MBR entries", 446, 64),
            ("first EBR", (18432L * 512) + 446, 32),
            ("second EBR", ((18432L + 10240) * 512) + 446, 32),
        ], PartitionCommands);
    }

    /// <summary>An image made once per test run by a real tool (sgdisk, sfdisk) in the fixtures' work folder.</summary>
    private static string Made(string name, long size, Action<string> make)
    {
        lock (MadeLock)
        {
            var path = System.IO.Path.Combine(Fixtures.NewTempDir(), name);
            if (MadeImages.TryGetValue(name, out var done))
            {
                return done;
            }

            using (var f = File.Create(path))
            {
                f.SetLength(size);
            }

            make(path);
            MadeImages[name] = path;
            return path;
        }
    }

    private static readonly Lock MadeLock = new();
    private static readonly Dictionary<string, string> MadeImages = [];
}
