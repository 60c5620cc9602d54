using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuCheck;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// Random damage to the metadata of qemu-made images (a bit flipped, a word replaced by garbage,
/// by another cluster's offset, moved by 512 bytes, zeroed) in the L1 and L2 tables, the refcount
/// table and blocks, the snapshot table and snapshot L1 tables, the header: whenever qemu-img check finishes,
/// our counts equal its counts; when it does not, ours still finishes with findings only.
/// <see cref="DefaultCases"/> cases of seed 1 run by default; SRRESCUE_QCOW2_FUZZ_CASES and
/// SRRESCUE_QCOW2_FUZZ_SEED run others.
/// </summary>
public sealed class Qcow2CheckFuzzTests
{
    public const int DefaultCases = 40;

    public static TheoryData<string> Bases() => ["snapshots", "extended-l2", "refcount-bits-1", "compressed-4k", "cluster-512"];

    private static string MakeBase(string name)
    {
        var dir = Fixtures.NewTempDir();
        string[] writes = ["write -P 0x11 0 300k", "write -P 0x22 2M 64k", "write -P 0x33 7M 130k", "write -z 5M 64k"];
        switch (name)
        {
            case "snapshots":
                var file = Make(dir, name, "8M", [], writes);
                ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", file);
                IoCommands(file, "write -P 0x44 0 64k", "write -P 0x45 3M 64k");
                ExternalTool.RunChecked(Img, "snapshot", "-c", "snap2", file);
                IoCommands(file, "write -P 0x46 2M 64k");
                return file;
            case "extended-l2":
                return Make(dir, name, "8M", ["-o", "extended_l2=on,cluster_size=16k"], [.. writes, "write -P 0x55 1M 2k"]);
            case "refcount-bits-1":
                return Make(dir, name, "8M", ["-o", "refcount_bits=1,cluster_size=4k"], writes);
            case "compressed-4k":
                return Make(dir, name, "8M", ["-o", "cluster_size=4k"], [.. writes, "write -c -P 0x66 4M 64k"]);
            default:
                var small = Make(dir, name, "4M", ["-o", "cluster_size=512"], "write -P 0x11 0 20k", "write -P 0x22 1M 5k", "write -P 0x33 3M 1k");
                ExternalTool.RunChecked(Img, "snapshot", "-c", "snap1", small);
                IoCommands(small, "write -P 0x44 0 2k");
                return small;
        }
    }

    /// <summary>The byte ranges of the image's tables: the active and snapshot L1 tables, the L2 tables, the refcount table and blocks as far as they are used, the snapshot table.</summary>
    private static List<(string What, long Start, long Length)> Tables(Qcow2Layout d)
    {
        var h = d.Header;
        var list = new List<(string, long, long)> { ("header", 8, Qcow2Header.Version3MinSize - 8), ("L1 table", (long)h.L1TableOffset, h.L1Entries * 8L) };
        list.AddRange(d.L1.Where(e => (e & L1TableCheck.OffsetMask) != 0).Select(e => ("L2 table", (long)(e & L1TableCheck.OffsetMask), d.ClusterSize)));
        var clusters = (d.Length + d.ClusterSize - 1) / d.ClusterSize;
        var perBlock = d.ClusterSize * 8 >> (int)h.RefcountOrder;
        var blocks = (clusters + perBlock - 1) / perBlock;
        list.Add(("refcount table", (long)h.RefcountTableOffset, blocks * 8));
        for (var i = 0; i < blocks; i++)
        {
            var block = (long)(d.ReadU64((long)h.RefcountTableOffset + (i * 8)) & StoredRefcounts.OffsetMask);
            list.Add(("refcount block", block, Math.Max(8, Math.Min(perBlock, clusters - (i * perBlock)) << (int)h.RefcountOrder >> 3)));
        }

        var at = (long)h.SnapshotsOffset;
        for (var i = 0; i < h.SnapshotCount; i++)
        {
            list.Add(("snapshot entry", at, Qcow2Snapshot.Size));
            var l1 = (long)d.ReadU64(at);
            var entries = (long)(d.ReadU64(at + 8) >> 32);
            list.Add(("snapshot L1 table", l1, entries * 8));
            var extra = (long)(uint)d.ReadU64(at + 32);
            var ids = d.ReadU64(at + 8) & 0xFFFF_FFFF;
            at += (Qcow2Snapshot.Size + extra + (long)(ids >> 16) + (long)(ids & 0xFFFF) + 7) & ~7L;
        }

        return list.Where(t => t.Item2 > 0 && t.Item2 + 8 <= d.Length).Select(t => (t.Item1, t.Item2, Math.Min(t.Item3, d.Length - t.Item2))).ToList();
    }

    private static string Mutate(Qcow2Layout d, List<(string What, long Start, long Length)> tables, Random random)
    {
        var (what, start, length) = tables[random.Next(tables.Count)];
        var at = start + (random.NextInt64(Math.Max(1, length / 8)) * 8);
        var old = d.ReadU64(at);
        var kind = random.Next(5);
        var value = kind switch
        {
            0 => old ^ (1UL << random.Next(64)),
            1 => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63),
            2 => ((ulong)random.NextInt64(d.Length / d.ClusterSize + 2) * (ulong)d.ClusterSize) | (random.Next(2) == 0 ? L2Entry.CopiedFlag : 0),
            3 => random.Next(2) == 0 ? old + 512UL : old - 512UL,
            _ => 0UL,
        };
        d.WriteU64(at, value);
        return $"{what} word at {at}: {old:x16} -> {value:x16}";
    }

    [Theory]
    [MemberData(nameof(Bases))]
    public void Damaged_metadata_gives_qemus_counts_whenever_qemu_finishes(string name)
    {
        var seed = EnvInt("SRRESCUE_QCOW2_FUZZ_SEED", 1);
        var cases = EnvInt("SRRESCUE_QCOW2_FUZZ_CASES", DefaultCases);
        var original = MakeBase(name);
        var failures = new List<string>();
        var compared = 0;
        for (var n = 0; n < cases; n++)
        {
            var random = new Random(HashCode.Combine(seed, n, name.Length, name[0]) & int.MaxValue);
            var d = Qcow2Layout.Of(Copy(original, $"case{n}"));
            var tables = Tables(d);
            var damage = Mutate(d, tables, random);
            if (random.Next(3) == 0)
            {
                damage += "; " + Mutate(d, tables, random);
            }

            var qemu = ExternalTool.Run(Img, ["check", "--output=json", "-f", "qcow2", d.File]);
            try
            {
                if (qemu.StdOut.TrimStart().StartsWith('{'))
                {
                    AssertSameAsQemu(d.File);
                    compared++;
                }
                else
                {
                    // A header too damaged to have a cluster size is the one case that may throw.
                    try
                    {
                        Ours(d.File);
                    }
                    catch (SrRescue.Diagnostics.CorruptDataException e) when (e.Finding.Code == Qcow2Codes.ClusterBits)
                    {
                    }
                }

                File.Delete(d.File);
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or InvalidOperationException or ArgumentException or IndexOutOfRangeException or OverflowException)
            {
                failures.Add($"case {n} ({damage}), kept at {d.File}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(compared > cases / 2, $"qemu-img check finished only {compared} of {cases} cases");
    }

    private static int EnvInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var v) ? v : fallback;
}
