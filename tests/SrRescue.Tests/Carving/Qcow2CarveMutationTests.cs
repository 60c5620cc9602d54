using System.Buffers.Binary;
using SrRescue.Carving;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>
/// The qcow2_sr fixture with its metadata gone and its QCOW2 tables damaged in many ways (bytes
/// flipped, entries replaced, clusters zeroed or filled with noise; headers, refcount tables and
/// blocks, L1 and L2 tables): the carve must end, read every chain without an exception, and put
/// no extent anywhere but on its true place with High confidence.
/// </summary>
public sealed class Qcow2CarveMutationTests
{
    private const long E = 4L << 20;
    private const long C = 65536;
    /// <summary>Cases CI runs; SRRESCUE_QCOW2_CARVE_CASES sets more for a long run.</summary>
    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("SRRESCUE_QCOW2_CARVE_CASES"), out var n) ? n : 60;

    /// <summary>The PV with byte ranges replaced, read-only over the fixture's image.</summary>
    private sealed class Overlay(IByteSource inner, List<(long At, byte[] Bytes)> patches) : IByteSource
    {
        public string Name => inner.Name;

        public long Length => inner.Length;

        public int ReadAt(long offset, Span<byte> buffer)
        {
            var n = inner.ReadAt(offset, buffer);
            foreach (var (at, bytes) in patches)
            {
                var from = Math.Max(at, offset);
                var to = Math.Min(at + bytes.Length, offset + n);
                if (from < to)
                {
                    bytes.AsSpan((int)(from - at), (int)(to - from)).CopyTo(buffer[(int)(from - offset)..]);
                }
            }

            return n;
        }
    }

    [Fact]
    public void Damaged_qcow2_tables_never_crash_the_carve_nor_put_an_extent_wrongly_with_high_confidence()
    {
        var expected = Fixtures.Expected("qcow2_sr");
        using var file = FileSource.Open(Fixtures.Image("qcow2_sr"));
        var grid = ExtentGrid.Default(file.Length);
        var truth = expected.GetProperty("vdis").EnumerateArray().Where(v => v.GetProperty("kind").GetString() == "qcow2")
            .Select(v => CarveHarness.ExpectedSegments(v)).ToList();
        long PeOf(IReadOnlyList<(long Le, long Pe, long Count)> segments, long le) =>
            segments.Where(s => le >= s.Le && le < s.Le + s.Count).Select(s => s.Pe + le - s.Le).DefaultIfEmpty(-1).First();

        // Every table cluster of every image, as PV byte offsets (the header, refcount table and block, L1, L2s).
        var tables = new List<long>();
        foreach (var segments in truth)
        {
            long Pv(long host) => grid.OffsetOf(PeOf(segments, host / E)) + (host % E);
            var head = file.ReadBytes(Pv(0), 104);
            var l1 = (long)BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(40));
            var rt = (long)BinaryPrimitives.ReadUInt64BigEndian(head.AsSpan(48));
            tables.AddRange([Pv(0), Pv(rt), Pv(l1)]);
            tables.Add(Pv((long)(BinaryPrimitives.ReadUInt64BigEndian(file.ReadBytes(Pv(rt), 8)) & 0x00FF_FFFF_FFFF_FE00)));
            var l2 = (long)(BinaryPrimitives.ReadUInt64BigEndian(file.ReadBytes(Pv(l1), 8)) & 0x00FF_FFFF_FFFF_FE00);
            tables.Add(Pv(l2));
        }

        var zeroHead = new byte[grid.PeStartBytes];
        var failures = new List<string>();
        for (var n = 0; n < Cases; n++)
        {
            var rng = new Random(n);
            var patches = new List<(long, byte[])> { (0, zeroHead) };
            for (var m = rng.Next(1, 4); m > 0; m--)
            {
                var at = tables[rng.Next(tables.Count)];
                patches.Add(Mutation(rng, at, file));
            }

            var log = new FindingLog();
            try
            {
                var pv = new Overlay(file, patches);
                var result = Carver.Carve(pv, grid, new HashSet<long>(), LvhdFooters.OnLv, log);
                foreach (var q in result.Qcow2Vdis)
                {
                    var segments = truth.FirstOrDefault(t => t[0].Pe == q.StartPe);
                    foreach (var x in q.Carved.Extents.Where(x => x.Confidence == ExtentConfidence.High && x.Le < q.Carved.ReferencedExtents))
                    {
                        if (segments is null || PeOf(segments, x.Le) != x.Pe)
                        {
                            failures.Add($"case {n}: QCOW2 at {q.StartPe} le {x.Le} High at {x.Pe}: {string.Join("; ", x.Evidence)}");
                        }
                    }

                    _ = VhdFiles.Sha256(result.OpenChain(q, log).Disk);
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                failures.Add($"case {n}: {e}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>One damage to the table cluster at <paramref name="at"/>: bytes flipped, an entry replaced, the cluster zeroed or noise.</summary>
    private static (long, byte[]) Mutation(Random rng, long at, IByteSource pv)
    {
        var cluster = pv.ReadBytes(at, (int)C);
        switch (rng.Next(4))
        {
            case 0:
                for (var i = rng.Next(1, 9); i > 0; i--)
                {
                    cluster[rng.Next(at % E == 0 ? 512 : cluster.Length)] ^= (byte)(1 << rng.Next(8));
                }

                break;
            case 1:
                var entry = rng.Next(64) * 8;
                BinaryPrimitives.WriteUInt64BigEndian(cluster.AsSpan(entry), (ulong)rng.NextInt64() | (rng.Next(2) == 0 ? 0x8000_0000_0000_0000UL : 0));
                break;
            case 2:
                Array.Clear(cluster);
                break;
            default:
                rng.NextBytes(cluster);
                break;
        }

        return (at, cluster);
    }
}
