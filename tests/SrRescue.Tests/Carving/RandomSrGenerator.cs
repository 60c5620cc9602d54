using System.Globalization;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Makes a random SR the way the fixtures were made: real lvm2 (activation off) on a loop device
/// decides where every extent goes, as SM drives it (thin LVs of 8 MiB, inflated in 4 MiB steps
/// when a write needs room, renamed and deflated on snapshot); the bytes inside come from
/// <see cref="SimulatedLvhdVhd"/>, which changes each VHD as libvhd does. VDIs get random guest
/// writes (whole blocks, or a few 4 KiB pages) in random order, in turns, so their LVs
/// interleave; now and then one is snapshotted (base copy + two differencing leaves), and the
/// base's freed tail goes to whoever grows next.
/// </summary>
internal static class RandomSrGenerator
{
    public const long ExtentBytes = SimulatedLvhdVhd.ExtentBytes;

    /// <param name="RawSpacerBytes">A never-written thick raw VDI (<c>LV-&lt;uuid&gt;</c>) of this size after each round, 0 for none.</param>
    public sealed record Options(int MinVdis = 3, int MaxVdis = 5, int MinBlocks = 16, int MaxBlocks = 40, int Rounds = 6,
        int MinWritesPerTurn = 1, int MaxWritesPerTurn = 3, double FullBlockWrites = 0.35, double SnapshotChance = 0.12, int MaxSnapshots = 2,
        long ImageBytes = 1L << 30, long RawSpacerBytes = 0);

    /// <summary>One VHD of the finished SR: its LV as lvm2 reports it, and what the guest sees.</summary>
    public sealed record Vhd(string LvName, Guid VhdUuid, string RawSha256, long VirtualSizeBytes, List<long> Pes, Guid? ParentUuid);

    public sealed record Sr(string Image, string VgName, List<Vhd> Vhds, int Snapshots);

    public static Sr Make(int seed, string dir, Options? options = null)
    {
        var o = options ?? new Options();
        var rnd = new Random(seed);
        var image = Path.Combine(dir, $"sr-{seed}.img");
        using (var f = File.Create(image))
        {
            f.SetLength(o.ImageBytes);
        }

        var vg = "VG_XenStorage-" + RandomGuid(rnd);
        using var loop = LoopDevice.Attach(image, readOnly: false);
        using var img = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        var sr = new SrBuilder(vg, loop.Path, img);
        Check(sr.Lvm("vgcreate", "--metadatasize", "10M", vg, loop.Path));
        Check(sr.Lvm("lvcreate", "-an", "-Zn", "-Wn", "-y", "-L", "4M", "-n", "MGT", vg));

        var all = new List<Lv>();
        var leaves = new List<Lv>();
        for (var i = rnd.Next(o.MinVdis, o.MaxVdis + 1); i > 0; i--)
        {
            var blocks = rnd.Next(o.MinBlocks, o.MaxBlocks + 1);
            var lv = sr.Create("VHD-" + RandomGuid(rnd), blocks * (long)SimulatedLvhdVhd.BlockBytes, null, rnd);
            all.Add(lv);
            leaves.Add(lv);
        }

        var snapshots = 0;
        for (var round = 0; round < o.Rounds; round++)
        {
            foreach (var leaf in leaves.OrderBy(_ => rnd.Next()).ToList())
            {
                for (var w = rnd.Next(o.MinWritesPerTurn, o.MaxWritesPerTurn + 1); w > 0; w--)
                {
                    GuestWrite(sr, leaf, rnd, o.FullBlockWrites);
                }

                leaf.Vhd.Close();
            }

            if (snapshots < o.MaxSnapshots && rnd.NextDouble() < o.SnapshotChance * leaves.Count)
            {
                var vdi = leaves[rnd.Next(leaves.Count)];
                var (child, snap) = sr.Snapshot(vdi, "VHD-" + RandomGuid(rnd), "VHD-" + RandomGuid(rnd), rnd);
                leaves.Remove(vdi);
                leaves.Add(child);
                all.Add(child);
                all.Add(snap);
                snapshots++;
            }

            if (o.RawSpacerBytes >= ExtentBytes)
            {
                Check(sr.Lvm("lvcreate", "-an", "-Zn", "-Wn", "-y", "-l", (o.RawSpacerBytes / ExtentBytes).ToString(CultureInfo.InvariantCulture), "-n", "LV-" + RandomGuid(rnd), vg));
            }
        }

        var map = sr.Flush();
        var vhds = all.Select(lv => new Vhd(lv.Name, lv.Vhd.Uuid, lv.Vhd.GuestSha256(), lv.Vhd.VirtualBytes, map[lv.Name], lv.Parent?.Vhd.Uuid)).ToList();
        return new Sr(image, vg, vhds, snapshots);
    }

    /// <summary>A whole block, or 1-64 pages of one, at a random virtual block: first writes allocate in this order.</summary>
    private static void GuestWrite(SrBuilder sr, Lv lv, Random rnd, double fullBlockWrites)
    {
        var block = rnd.Next(lv.Vhd.BlockCount);
        const int PageSectors = 8;
        const int Pages = SimulatedLvhdVhd.BlockBytes / (PageSectors * SimulatedLvhdVhd.SectorBytes);
        int first, count;
        if (rnd.NextDouble() < fullBlockWrites)
        {
            (first, count) = (0, Pages);
        }
        else
        {
            first = rnd.Next(Pages);
            count = rnd.Next(1, Math.Min(64, Pages - first) + 1);
        }

        var data = new byte[count * PageSectors * SimulatedLvhdVhd.SectorBytes];
        rnd.NextBytes(data);
        sr.Grow(lv, lv.Vhd.LvBytesNeededFor(block));
        lv.Vhd.Write(block, first * PageSectors, data);
    }

    private static string RandomGuid(Random rnd)
    {
        var b = new byte[16];
        rnd.NextBytes(b);
        b[7] = (byte)((b[7] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return new Guid(b).ToString();
    }

    private static string Check(ExternalTool.Result r)
    {
        Assert.True(r.ExitCode == 0, r.All);
        return r.StdOut;
    }

    private sealed class Lv(string name)
    {
        public string Name { get; set; } = name;

        public SimulatedLvhdVhd Vhd { get; set; } = null!;

        public Lv? Parent { get; init; }
    }

    /// <summary>
    /// Runs lvm2 and lays the VHDs' bytes into the extents lvm2 gave: writes wait in order until
    /// the mapping is read (before any extent can change hands, and at the end).
    /// </summary>
    private sealed class SrBuilder(string vg, string device, FileStream image)
    {
        private readonly List<(Lv Lv, long Offset, byte[] Bytes)> _pending = [];
        private long _pendingBytes;
        private uint _clock = 0x30000000;

        public ExternalTool.Result Lvm(string command, params string[] args) => Lvm2.Run(command, [device], args);

        public Lv Create(string name, long virtualBytes, Lv? parent, Random rnd)
        {
            Check(Lvm("lvcreate", "-an", "-Zn", "-Wn", "-y", "-L", "8M", "-n", name, vg));
            var lv = new Lv(name) { Parent = parent };
            var parentName = parent is null ? null : DeviceMapperName(parent.Name);
            lv.Vhd = new SimulatedLvhdVhd(new Guid(RandomGuid(rnd)), virtualBytes, 8L << 20, parent?.Vhd, parentName, _clock++,
                (offset, bytes) => Pend(lv, offset, bytes));
            return lv;
        }

        /// <summary>lvhdutil.inflate: lvextend in 4 MiB steps, then the footer at the new end.</summary>
        public void Grow(Lv lv, long neededBytes)
        {
            if (neededBytes <= lv.Vhd.LvBytes)
            {
                return;
            }

            var extents = (neededBytes - lv.Vhd.LvBytes + ExtentBytes - 1) / ExtentBytes;
            Check(Lvm("lvextend", "-l", $"+{extents}", $"{vg}/{lv.Name}"));
            lv.Vhd.Inflate(lv.Vhd.LvBytes + (extents * ExtentBytes));
        }

        /// <summary>
        /// LVHDVDI._snapshot: the VDI's LV becomes the base copy (renamed, deflated, hidden); the
        /// VDI goes on as a differencing child under its old LV name, the snapshot is a second child.
        /// </summary>
        public (Lv Child, Lv Snapshot) Snapshot(Lv vdi, string baseName, string snapshotName, Random rnd)
        {
            Flush();
            var vdiName = vdi.Name;
            Check(Lvm("lvrename", vg, vdiName, baseName));
            vdi.Name = baseName;
            var before = vdi.Vhd.LvBytes;
            var lvBytes = vdi.Vhd.DeflateAndHide();
            Flush();
            if (lvBytes < before)
            {
                Check(Lvm("lvreduce", "-f", "-y", "-l", (lvBytes / ExtentBytes).ToString(CultureInfo.InvariantCulture), $"{vg}/{baseName}"));
            }

            var child = Create(vdiName, vdi.Vhd.VirtualBytes, vdi, rnd);
            var snapshot = Create(snapshotName, vdi.Vhd.VirtualBytes, vdi, rnd);
            return (child, snapshot);
        }

        /// <summary>Writes every pending write through the current LV mapping; returns the mapping.</summary>
        public Dictionary<string, List<long>> Flush()
        {
            var peStart = long.Parse(Check(Lvm("pvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "pe_start", device)).Trim(), CultureInfo.InvariantCulture);
            var map = new Dictionary<string, List<long>>();
            foreach (var line in Check(Lvm("lvs", "--noheadings", "--separator", "|", "-o", "lv_name,seg_pe_ranges", vg))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|')))
            {
                var pes = map.TryGetValue(line[0], out var p) ? p : map[line[0]] = [];
                foreach (var range in line[1].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var r = range[(range.LastIndexOf(':') + 1)..].Split('-');
                    for (var pe = long.Parse(r[0], CultureInfo.InvariantCulture); pe <= long.Parse(r[1], CultureInfo.InvariantCulture); pe++)
                    {
                        pes.Add(pe);
                    }
                }
            }

            foreach (var (lv, offset, bytes) in _pending)
            {
                var pes = map[lv.Name];
                for (var done = 0; done < bytes.Length;)
                {
                    var at = offset + done;
                    var le = (int)(at / ExtentBytes);
                    var n = (int)Math.Min(bytes.Length - done, ExtentBytes - (at % ExtentBytes));
                    Assert.True(le < pes.Count, $"write past the end of {lv.Name}");
                    image.Position = peStart + (pes[le] * ExtentBytes) + (at % ExtentBytes);
                    image.Write(bytes, done, n);
                    done += n;
                }
            }

            _pending.Clear();
            _pendingBytes = 0;
            image.Flush();
            return map;
        }

        private void Pend(Lv lv, long offset, byte[] bytes)
        {
            _pending.Add((lv, offset, bytes));
            _pendingBytes += bytes.Length;
            if (_pendingBytes > 256L << 20)
            {
                Flush();
            }
        }

        private string DeviceMapperName(string lv) => vg.Replace("-", "--", StringComparison.Ordinal) + "-" + lv.Replace("-", "--", StringComparison.Ordinal);
    }
}
