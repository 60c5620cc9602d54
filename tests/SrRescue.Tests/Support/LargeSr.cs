using System.Globalization;
using System.Text;
using SrRescue.Tests.Carving;

namespace SrRescue.Tests.Support;

/// <summary>
/// Issue 14: an SR as large as the formats let one be, for the memory bound of every command, made
/// by real lvm2 on a loop device over a sparse file (only what is written takes room):
/// <list type="bullet">
/// <item>a PV of <see cref="Options.ImageBytes"/> (terabytes) with XenServer's 10 MiB metadata area;</item>
/// <item><see cref="Options.RawLvs"/> one-extent <c>LV-&lt;uuid&gt;</c> LVs (raw VDIs, nothing written in them),
/// so one copy of the metadata text is MiBs long, near the half of the ring lvm2 allows; restored
/// with <c>vgcfgrestore</c> (lvm2 writes the copy), then changed by <c>lvremove</c> so the ring holds
/// more than one such copy and <see cref="RemovedLeaf"/> is a removed VDI;</item>
/// <item>a snapshot chain of <see cref="Options.ChainDepth"/> VHDs (XenServer refuses more than 30) of
/// <see cref="Options.VirtualBytes"/> each (2 TiB: a BAT of 2^20 entries per VHD), written as libvhd
/// writes them (<see cref="SimulatedLvhdVhd"/>) into LVs at the end of the PV, past 2 TiB; and a
/// second leaf of the chain, <see cref="RemovedLeaf"/>, whose LV is then removed.</item>
/// </list>
/// LVs are never activated: the VHDs are written into the extents the restored text gives them.
/// </summary>
internal sealed class LargeSr
{
    public const string SrUuid = "5c1e8d2a-7b34-4f60-9a21-3d8e6b0f4c17";
    public const string Vg = "VG_XenStorage-" + SrUuid;
    private const long Extent = SimulatedLvhdVhd.ExtentBytes;
    private const long ChainLvExtents = 3;

    /// <param name="ImageBytes">The PV's size.</param>
    /// <param name="RawLvs">One-extent raw LVs that make the metadata text long (about 340 bytes each).</param>
    /// <param name="ChainDepth">VHDs in the snapshot chain, root to leaf.</param>
    /// <param name="VirtualBytes">Virtual size of each VHD.</param>
    public sealed record Options(long ImageBytes, int RawLvs, int ChainDepth, long VirtualBytes);

    private LargeSr(string image, long firstChainLvAt, IReadOnlyList<Guid> chain, Guid removedLeaf, long removedAtSeqno)
    {
        Image = image;
        _firstChainLvAt = firstChainLvAt;
        Chain = chain;
        RemovedLeaf = removedLeaf;
        RemovedAtSeqno = removedAtSeqno;
    }

    private readonly long _firstChainLvAt;

    public string Image { get; }

    /// <summary>The VHD uuids of the chain, leaf first (the VDI uuid is the VHD's: <c>VHD-&lt;uuid&gt;</c>).</summary>
    public IReadOnlyList<Guid> Chain { get; }

    public Guid Leaf => Chain[0];

    /// <summary>A second child of the chain's leaf's parent whose LV was removed at <see cref="RemovedAtSeqno"/>.</summary>
    public Guid RemovedLeaf { get; }

    public long RemovedAtSeqno { get; }

    /// <summary>Makes the SR as <paramref name="dir"/>/large-sr.img (which must not exist).</summary>
    public static LargeSr Make(string dir, Options options)
    {
        var image = Path.Combine(dir, "large-sr.img");
        using (var f = new FileStream(image, FileMode.CreateNew))
        {
            f.SetLength(options.ImageBytes);
        }

        var rnd = new Random(14);
        var chain = Enumerable.Range(0, options.ChainDepth).Select(_ => NewGuid(rnd)).ToList(); // root first
        var removed = NewGuid(rnd);
        long peStart;
        long removedAt;
        long firstChainPe;
        using (var loop = LoopDevice.Attach(image, readOnly: false))
        {
            var dev = loop.Path;
            Lvm(dev, "pvcreate", "-ff", "-y", "--metadatasize", "10M", dev);
            Lvm(dev, "vgcreate", "--metadatasize", "10M", Vg, dev);
            Lvm(dev, "lvcreate", "-an", "-Zn", "-y", "-n", "MGT", "-l", "1", Vg);
            var backup = Path.Combine(dir, "base.vg");
            Lvm(dev, "vgcfgbackup", "-f", backup, Vg);
            var text = File.ReadAllText(backup);
            var peCount = long.Parse(Field(text, "pe_count"), CultureInfo.InvariantCulture);
            peStart = long.Parse(Field(text, "pe_start"), CultureInfo.InvariantCulture) * 512;

            // The chain's LVs at the end of the PV (offsets past 2 TiB), the raw LVs from extent 1 on.
            firstChainPe = peCount - ((options.ChainDepth + 1) * ChainLvExtents);
            var lvs = new StringBuilder();
            for (var i = 0; i < options.RawLvs; i++)
            {
                lvs.Append(LvSection("LV-" + NewGuid(rnd), i, 1 + i, 1));
            }

            for (var i = 0; i <= options.ChainDepth; i++)
            {
                var uuid = i < options.ChainDepth ? chain[i] : removed;
                lvs.Append(LvSection("VHD-" + uuid, options.RawLvs + i, firstChainPe + (i * ChainLvExtents), ChainLvExtents));
            }

            var at = text.IndexOf("logical_volumes {", StringComparison.Ordinal) + "logical_volumes {".Length;
            File.WriteAllText(backup, text[..at] + lvs + text[at..]);
            Lvm(dev, "vgcfgrestore", "-f", backup, Vg);
            Lvm(dev, "lvremove", "-y", $"{Vg}/VHD-{removed}");
            removedAt = long.Parse(Lvm(dev, "vgs", "--noheadings", "-o", "seqno", Vg).Trim(), CultureInfo.InvariantCulture);
        }

        WriteChain(image, peStart + (firstChainPe * Extent), chain, removed, options.VirtualBytes);
        chain.Reverse();
        return new LargeSr(image, peStart + (firstChainPe * Extent), chain, removed, removedAt);
    }

    /// <summary>
    /// Copies each VHD of the chain out of its LV into <paramref name="dir"/>/VHD-&lt;uuid&gt; (the name
    /// a copied LV gets; sparse: runs of zeros are not written), for the commands that read VHD files.
    /// Returns the leaf's file.
    /// </summary>
    public string WriteChainFiles(string dir)
    {
        using var pv = new FileStream(Image, FileMode.Open, FileAccess.Read);
        var chunk = new byte[64 << 10];
        for (var i = 0; i < Chain.Count; i++)
        {
            // Chain is leaf first; the LVs lie root first.
            pv.Position = _firstChainLvAt + ((Chain.Count - 1 - i) * ChainLvExtents * Extent);
            using var file = new FileStream(Path.Combine(dir, "VHD-" + Chain[i]), FileMode.CreateNew);
            file.SetLength(ChainLvExtents * Extent);
            for (long done = 0; done < ChainLvExtents * Extent; done += chunk.Length)
            {
                pv.ReadExactly(chunk);
                if (chunk.AsSpan().ContainsAnyExcept((byte)0))
                {
                    file.Position = done;
                    file.Write(chunk);
                }
            }
        }

        return Path.Combine(dir, "VHD-" + Leaf);
    }

    /// <summary>The VHDs, each in its LV of <see cref="ChainLvExtents"/> extents from <paramref name="firstLvAt"/> on, root first, the removed leaf last.</summary>
    private static void WriteChain(string image, long firstLvAt, List<Guid> chain, Guid removed, long virtualBytes)
    {
        using var pv = new FileStream(image, FileMode.Open, FileAccess.ReadWrite);
        var data = new byte[4096];
        SimulatedLvhdVhd? parent = null;
        for (var i = 0; i <= chain.Count; i++)
        {
            var lvAt = firstLvAt + (i * ChainLvExtents * Extent);
            var isRemoved = i == chain.Count;
            var below = isRemoved ? chain.Count - 2 : i - 1;
            var parentVhd = isRemoved ? null : parent;
            var vhd = new SimulatedLvhdVhd(isRemoved ? removed : chain[i], virtualBytes, ChainLvExtents * Extent,
                isRemoved ? ParentOf(chain, below, virtualBytes) : parentVhd,
                below < 0 ? null : $"{Vg.Replace("-", "--", StringComparison.Ordinal)}-VHD--{chain[below].ToString().Replace("-", "--", StringComparison.Ordinal)}",
                0x30000000u + (uint)i, (at, bytes) => Write(pv, lvAt + at, bytes));

            // One 4 KiB write per VHD, in a block of its own: the disk read through the chain differs at each level.
            Array.Fill(data, (byte)(i + 1));
            vhd.Write(i, 0, data);
            vhd.Close();
            parent = vhd;
        }
    }

    /// <summary>A stand-in for chain member <paramref name="index"/> that only gives the removed leaf its parent's uuid and timestamp.</summary>
    private static SimulatedLvhdVhd? ParentOf(List<Guid> chain, int index, long virtualBytes) =>
        index < 0 ? null : new SimulatedLvhdVhd(chain[index], virtualBytes, ChainLvExtents * Extent, null, null, 0x30000000u + (uint)index, (_, _) => { });

    private static void Write(FileStream pv, long at, byte[] bytes)
    {
        pv.Position = at;
        pv.Write(bytes);
    }

    /// <summary>An LV of <paramref name="extents"/> from PV extent <paramref name="pe"/> on; its lvm2 id (32 characters, 6-4-4-4-4-4-6) made of <paramref name="number"/>.</summary>
    private static string LvSection(string name, int number, long pe, long extents) => string.Create(CultureInfo.InvariantCulture,
        $"\n{name} {{\nid = \"{Id(number)}\"\nstatus = [\"READ\", \"WRITE\", \"VISIBLE\"]\nflags = []\nsegment_count = 1\n\nsegment1 {{\nstart_extent = 0\nextent_count = {extents}\n\ntype = \"striped\"\nstripe_count = 1\n\nstripes = [\n\"pv0\", {pe}\n]\n}}\n}}\n");

    private static string Id(int number)
    {
        var digits = number.ToString("D32", CultureInfo.InvariantCulture);
        return $"{digits[..6]}-{digits[6..10]}-{digits[10..14]}-{digits[14..18]}-{digits[18..22]}-{digits[22..26]}-{digits[26..]}";
    }

    private static string Field(string text, string name)
    {
        var at = text.IndexOf(name + " = ", StringComparison.Ordinal) + name.Length + 3;
        var end = at;
        while (char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return text[at..end];
    }

    private static Guid NewGuid(Random rnd)
    {
        var bytes = new byte[16];
        rnd.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static string Lvm(string device, string command, params string[] args)
    {
        var r = Lvm2.Run(command, [device], args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)}: {r.All}");
        }

        return r.StdOut;
    }
}
