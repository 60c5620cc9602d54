using System.Globalization;
using System.Security.Cryptography;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Carving;

/// <summary>
/// Makes a random SR the way the fixtures were made: real lvm2 (activation off) on a loop device
/// decides where every extent goes; the VHD contents come from our own DynamicVhdWriter. VDIs
/// start at 8 MiB and grow in turns, in random order and steps, so their LVs interleave.
/// </summary>
internal static class RandomSrGenerator
{
    public const long ExtentBytes = 4L << 20;

    public sealed record Vdi(string LvName, Guid VhdUuid, string RawSha256, long VirtualSizeBytes, List<long> Pes);

    public sealed record Sr(string Image, string VgName, List<Vdi> Vdis);

    public static Sr Make(int seed, string dir)
    {
        var rnd = new Random(seed);
        var image = Path.Combine(dir, $"sr-{seed}.img");
        using (var f = File.Create(image))
        {
            f.SetLength(384L << 20);
        }

        var vg = "VG_XenStorage-" + new Guid(RandomBytes(rnd, 16));
        var vdis = new List<(string Lv, Guid Uuid, string Sha, long Size, byte[] Vhd, int Extents)>();
        var count = rnd.Next(3, 6);
        for (var i = 0; i < count; i++)
        {
            var blocks = rnd.Next(6, 24);
            var raw = new byte[blocks * (2L << 20)];
            foreach (var b in Enumerable.Range(0, blocks).Where(_ => rnd.NextDouble() < 0.6))
            {
                rnd.NextBytes(raw.AsSpan((int)(b * (2L << 20)), 2 << 20));
            }

            var uuid = new Guid(RandomBytes(rnd, 16));
            using var vhd = new MemoryStream();
            DynamicVhdWriter.Write(new MemorySource(raw), vhd, new DynamicVhdWriteOptions { Uuid = uuid, TimestampUtc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
            var bytes = vhd.ToArray();
            var extents = (int)Math.Max(2, (bytes.Length + ExtentBytes - 1) / ExtentBytes);
            vdis.Add(($"VHD-{new Guid(RandomBytes(rnd, 16))}", uuid, Convert.ToHexStringLower(SHA256.HashData(raw)), raw.Length, bytes, extents));
        }

        using (var loop = LoopDevice.Attach(image, readOnly: false))
        {
            string[] dev = [loop.Path];
            Check(Lvm2.Run("vgcreate", dev, "--metadatasize", "10M", vg, loop.Path));
            Check(Lvm2.Run("lvcreate", dev, "-an", "-Zn", "-Wn", "-y", "-L", "4M", "-n", "MGT", vg));
            var size = new int[count];
            for (var i = 0; i < count; i++)
            {
                Check(Lvm2.Run("lvcreate", dev, "-an", "-Zn", "-Wn", "-y", "-l", "2", "-n", vdis[i].Lv, vg));
                size[i] = 2;
            }

            while (Enumerable.Range(0, count).Any(i => size[i] < vdis[i].Extents))
            {
                foreach (var i in Enumerable.Range(0, count).OrderBy(_ => rnd.Next()))
                {
                    if (size[i] < vdis[i].Extents)
                    {
                        var step = rnd.Next(1, Math.Min(3, vdis[i].Extents - size[i]) + 1);
                        Check(Lvm2.Run("lvextend", dev, "-l", $"+{step}", $"{vg}/{vdis[i].Lv}"));
                        size[i] += step;
                    }
                }
            }

            var peStart = long.Parse(Check(Lvm2.Run("pvs", dev, "--noheadings", "--units", "b", "--nosuffix", "-o", "pe_start", loop.Path)).Trim(), CultureInfo.InvariantCulture);
            var lvs = Check(Lvm2.Run("lvs", dev, "--noheadings", "--separator", "|", "-o", "lv_name,seg_pe_ranges", vg));
            var result = new List<Vdi>();
            using var img = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
            foreach (var v in vdis)
            {
                var pes = new List<long>();
                foreach (var line in lvs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split('|')).Where(p => p[0] == v.Lv))
                {
                    var range = line[1][(line[1].LastIndexOf(':') + 1)..].Split('-');
                    for (var pe = long.Parse(range[0], CultureInfo.InvariantCulture); pe <= long.Parse(range[1], CultureInfo.InvariantCulture); pe++)
                    {
                        pes.Add(pe);
                    }
                }

                // The LV: the VHD without its trailing footer, then the footer in the LV's last 512 bytes.
                var lv = new byte[pes.Count * ExtentBytes];
                v.Vhd.AsSpan(0, v.Vhd.Length - 512).CopyTo(lv);
                v.Vhd.AsSpan(v.Vhd.Length - 512).CopyTo(lv.AsSpan(lv.Length - 512));
                for (var k = 0; k < pes.Count; k++)
                {
                    img.Position = peStart + (pes[k] * ExtentBytes);
                    img.Write(lv, (int)(k * ExtentBytes), (int)ExtentBytes);
                }

                result.Add(new Vdi(v.Lv, v.Uuid, v.Sha, v.Size, pes));
            }

            return new Sr(image, vg, result);
        }
    }

    private static byte[] RandomBytes(Random rnd, int n)
    {
        var b = new byte[n];
        rnd.NextBytes(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return b;
    }

    private static string Check(ExternalTool.Result r)
    {
        Assert.True(r.ExitCode == 0, r.All);
        return r.StdOut;
    }
}
