using System.Buffers.Binary;
using SrRescue.Tests.Qcow2;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// An XCP-ng 8.3 LVM SR with QCOW2 VDIs, made at test time by the real tools the way sm drives them
/// (lvm2 on a loop device over a sparse file, qemu-img and qemu-io, the 'vate' extension added as
/// sm's QCowUtil.setHidden does), then kept as a pristine image each test copies:
/// <list type="bullet">
/// <item>a snapshot chain: the hidden base copy <see cref="BaseUuid"/> (1.25 GiB, data in three L2
/// ranges, compressed clusters) with two children naming it <c>/dev/VG_XenStorage-&lt;sr&gt;/QCOW2-&lt;base&gt;</c>:
/// the leaf <see cref="LeafUuid"/> (data, zero clusters over the base's data) and the snapshot <see cref="SnapUuid"/>;</item>
/// <item><see cref="LoneUuid"/>, made like a thin VDI: its LV created at 2 extents, a temporary LV
/// beside it removed, then extended to sm's size once the chain's children exist, so that its second
/// segment lies past them (lvm2 gives an extension the largest free area, not the hole);</item>
/// <item><see cref="TwinUuid"/>, written exactly as the lone VDI (other bytes): its tables lie at the
/// same offsets and point the same way, so the structure cannot tell the two apart and the carve
/// must say so (rivals, Medium), allocation order choosing;</item>
/// <item>MGT's 4 MiB first, as sm creates it.</item>
/// </list>
/// LVs are never activated: the image files are written into the extents lvs reports.
/// </summary>
public sealed class Qcow2Sr : IDisposable
{
    public const string SrUuid = "3f0c9a6e-52d1-4b8e-9c07-61e2d4a8b5f3";
    public const string BaseUuid = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    public const string LeafUuid = "1c2d3e4f-5061-4728-93a4-b5c6d7e8f90a";
    public const string SnapUuid = "2d3e4f50-6172-4839-a4b5-c6d7e8f90a1b";
    public const string LoneUuid = "3e4f5061-7283-494a-b5c6-d7e8f90a1b2c";
    public const string TwinUuid = "4f506172-8394-4a5b-86d7-e8f90a1b2c3d";
    public const string Vg = "VG_XenStorage-" + SrUuid;
    public const long ExtentSizeBytes = 4L << 20;
    private const long Mi = 1 << 20;

    /// <summary>One image of the SR as made: its LV's segments before any damage, and what an independent parse of the file says.</summary>
    public sealed record Vdi(string Uuid, string Lv, string File, string RawSha256, long VirtualSize, bool Hidden, string? ParentUuid,
        IReadOnlyList<(long Le, long Pe, long Count)> Segments, IReadOnlySet<long> TableExtents, long ReferencedExtents, IReadOnlyList<long> L2Offsets)
    {
        public long StartPe => Segments[0].Pe;

        public long PeOf(long le) => Segments.Where(s => le >= s.Le && le < s.Le + s.Count).Select(s => s.Pe + (le - s.Le)).DefaultIfEmpty(-1).First();
    }

    public Qcow2Sr()
    {
        Dir = Fixtures.NewTempDir();
        Image = Path.Combine(Dir, "pv.img");
        using (var f = new FileStream(Image, FileMode.CreateNew))
        {
            f.SetLength(7168 * Mi);
        }

        var files = MakeImages();
        using (var loop = LoopDevice.Attach(Image, readOnly: false))
        {
            var dev = loop.Path;
            Lvm(dev, "pvcreate", "-ff", "-y", "--metadatasize", "10M", dev);
            Lvm(dev, "vgcreate", "--metadatasize", "10M", Vg, dev);
            Create(dev, "MGT", 1);
            Create(dev, "QCOW2-" + BaseUuid, 321);
            Create(dev, "T", 3);
            Create(dev, "QCOW2-" + LoneUuid, 2);
            Create(dev, "QCOW2-" + LeafUuid, 321);
            Create(dev, "QCOW2-" + SnapUuid, 321);
            Lvm(dev, "lvremove", "-y", $"{Vg}/T");
            Lvm(dev, "lvextend", "-l", "321", $"{Vg}/QCOW2-{LoneUuid}");
            Create(dev, "QCOW2-" + TwinUuid, 321);
            PeStartBytes = long.Parse(Lvm(dev, "pvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "pe_start", dev).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Lvs = Segments(dev);
        }

        using (var pv = new FileStream(Image, FileMode.Open, FileAccess.ReadWrite))
        {
            foreach (var (uuid, file) in files)
            {
                WriteIntoLv(pv, Lvs["QCOW2-" + uuid], file);
            }
        }

        Vdis = files.Select(f => Describe(f.Uuid, f.File)).ToList();
    }

    public string Dir { get; }

    /// <summary>The PV image with the SR's metadata intact (copy it before changing anything).</summary>
    public string Image { get; }

    public long PeStartBytes { get; }

    /// <summary>Every LV's segments as lvs gave them before any damage.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(long Le, long Pe, long Count)>> Lvs { get; }

    public IReadOnlyList<Vdi> Vdis { get; }

    public Vdi Of(string uuid) => Vdis.Single(v => v.Uuid == uuid);

    /// <summary>A private sparse copy of the pristine image.</summary>
    public string Copy()
    {
        var target = Path.Combine(Fixtures.NewTempDir(), "pv.img");
        ExternalTool.RunChecked("/bin/cp", "--sparse=always", Image, target);
        return target;
    }

    /// <summary>lvm2 against only this device (no activation, no backup); the output, which must be a success.</summary>
    public static string Lvm(string device, string command, params string[] args)
    {
        var r = Lvm2.Run(command, [device], args);
        Assert.True(r.ExitCode == 0, $"{command} {string.Join(' ', args)}: {r.All}");
        return r.StdOut;
    }

    /// <summary>lvs segments of every LV of the VG on <paramref name="device"/>.</summary>
    public static Dictionary<string, IReadOnlyList<(long Le, long Pe, long Count)>> Segments(string device, string vg = Vg)
    {
        var lines = Lvm(device, "lvs", "--noheadings", "--separator", "|", "-o", "lv_name,seg_start_pe,seg_pe_ranges", vg)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|'));
        return lines.GroupBy(p => p[0]).ToDictionary(g => g.Key, g => (IReadOnlyList<(long, long, long)>)g.Select(p =>
        {
            var range = p[2][(p[2].LastIndexOf(':') + 1)..].Split('-').Select(long.Parse).ToArray();
            return (long.Parse(p[1]), range[0], range[1] - range[0] + 1);
        }).OrderBy(s => s.Item1).ToList());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Create(string dev, string name, int extents) => Lvm(dev, "lvcreate", "-an", "-Zn", "-y", "-n", name, "-l", extents.ToString(System.Globalization.CultureInfo.InvariantCulture), Vg);

    private List<(string Uuid, string File)> MakeImages()
    {
        string Make(string uuid, string size, string? backing, params string[] writes)
        {
            var file = Path.Combine(Dir, uuid + ".qcow2");
            var args = new List<string> { "create", "-q", "-f", "qcow2", "-o", "cluster_size=65536" };
            if (backing is not null)
            {
                args.AddRange(["-b", backing, "-F", "qcow2"]);
            }

            args.AddRange([file, size]);
            ExternalTool.RunChecked(QemuQcow2.Img, [.. args]);
            QemuQcow2.IoCommands(file, writes);
            return file;
        }

        var b = Make(BaseUuid, "1280M", null, "write -P 0x11 0 6M", "write -P 0x12 600M 9M", "write -c -P 0x13 1100M 1M", "write -P 0x14 20M 7M");
        var leaf = Make(LeafUuid, "1280M", b, "write -P 0x21 100M 5M", "write -P 0x22 1100M 7M", "write -z 600M 1M", "write -P 0x23 200M 2M");
        var snap = Make(SnapUuid, "1280M", b, "write -P 0x31 0 1M");
        var lone = Make(LoneUuid, "1280M", null, "write -P 0x41 0 5M", "write -P 0x42 700M 6M", "write -P 0x43 1100M 8M", "write -P 0x44 30M 3M");
        var twin = Make(TwinUuid, "1280M", null, "write -P 0x51 0 5M", "write -P 0x52 700M 6M", "write -P 0x53 1100M 8M", "write -P 0x54 30M 3M");
        var list = new List<(string, string)> { (BaseUuid, b), (LeafUuid, leaf), (SnapUuid, snap), (LoneUuid, lone), (TwinUuid, twin) };
        foreach (var (_, file) in list)
        {
            _hashes[file] = QemuQcow2.Sha256File(QemuQcow2.ToRaw(file));
            File.Delete(file + ".qemu.raw");
        }

        // sm's snapshot names the base by its LV path; then the hidden flag of each image.
        foreach (var child in new[] { leaf, snap })
        {
            ExternalTool.RunChecked(QemuQcow2.Img, "rebase", "-u", "-f", "qcow2", "-b", $"/dev/{Vg}/QCOW2-{BaseUuid}", "-F", "qcow2", child);
        }

        foreach (var (uuid, file) in list)
        {
            AddVate(file, uuid == BaseUuid);
        }

        return list;
    }

    private readonly Dictionary<string, string> _hashes = [];

    /// <summary>sm's QCowUtil.setHidden: the 'vate' extension at the end of the list, the backing file name moved 16 bytes on.</summary>
    public static void AddVate(string file, bool hidden)
    {
        using var f = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        var head = new byte[65536];
        f.ReadExactly(head);
        var version = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(4));
        var nameAt = (long)BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(8));
        var nameLength = (int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(16));
        var at = version >= 3 ? (int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(100)) : 72;
        while (true)
        {
            var kind = BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(at));
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(at + 4));
            if (kind == 0x76617465)
            {
                break;
            }

            if (kind == 0)
            {
                if (nameAt != 0)
                {
                    var name = head.AsSpan((int)nameAt, nameLength).ToArray();
                    Array.Clear(head, (int)nameAt, nameLength);
                    name.CopyTo(head.AsSpan((int)nameAt + 16));
                    BinaryPrimitives.WriteUInt64BigEndian(head.AsSpan(8), (ulong)nameAt + 16);
                }

                BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(at), 0x76617465);
                BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(at + 4), 8);
                head.AsSpan(at + 8, 8).Clear();
                break;
            }

            at += 8 + ((length + 7) & ~7);
        }

        head[at + 8] = (byte)(hidden ? 1 : 0);
        f.Position = 0;
        f.Write(head);
    }

    private void WriteIntoLv(FileStream pv, IReadOnlyList<(long Le, long Pe, long Count)> segments, string file)
    {
        var bytes = File.ReadAllBytes(file);
        foreach (var (le, pe, count) in segments)
        {
            var from = le * ExtentSizeBytes;
            var n = Math.Min(bytes.Length - from, count * ExtentSizeBytes);
            if (n <= 0)
            {
                continue;
            }

            pv.Position = PeStartBytes + (pe * ExtentSizeBytes);
            pv.Write(bytes, (int)from, (int)n);
        }
    }

    /// <summary>The truth an independent parse of the image file gives: which logical extents hold tables that prove them, how many the image reaches into.</summary>
    private Vdi Describe(string uuid, string file)
    {
        var bytes = File.ReadAllBytes(file);
        ulong U64(long at) => BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)at));
        var clusterBits = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(20));
        var c = 1L << clusterBits;
        var l1Size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(36));
        var l1 = (long)U64(40);
        var rt = (long)U64(48);
        var rtClusters = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(56));
        var tables = new List<long> { 0, rt, l1 };
        var l2s = new List<long>();
        for (var i = 0; i < rtClusters * c / 8; i++)
        {
            if ((U64(rt + (i * 8)) & 0x00FF_FFFF_FFFF_FE00) is var rb and > 0)
            {
                tables.Add((long)rb);
            }
        }

        for (var i = 0; i < l1Size; i++)
        {
            if ((U64(l1 + (i * 8)) & 0x00FF_FFFF_FFFF_FE00) is var any and > 0)
            {
                l2s.Add((long)any);
            }

            // An L2 table whose entries are all zero clusters without a host cluster proves nothing.
            if ((U64(l1 + (i * 8)) & 0x00FF_FFFF_FFFF_FE00) is var l2 and > 0
                && Enumerable.Range(0, (int)(c / 8)).Any(e => (U64((long)l2 + (e * 8)) & 0x40FF_FFFF_FFFF_FE00) != 0))
            {
                tables.Add((long)l2);
            }
        }

        var name = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)) is var nameAt and > 0
            ? System.Text.Encoding.UTF8.GetString(bytes, (int)nameAt, (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)))
            : null;
        var lv = "QCOW2-" + uuid;
        return new Vdi(uuid, lv, file, _hashes[file], (long)U64(24), uuid == BaseUuid, name?[^36..],
            Lvs[lv], tables.Select(t => t / ExtentSizeBytes).ToHashSet(), (bytes.Length + ExtentSizeBytes - 1) / ExtentSizeBytes, l2s);
    }
}
