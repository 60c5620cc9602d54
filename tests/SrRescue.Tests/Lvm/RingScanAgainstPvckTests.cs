using System.Globalization;
using System.Text.RegularExpressions;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// Our ring scan against lvm2's own: every copy `pvck --dump metadata_search` lists on a
/// read-only loop device of the fixture must be found by us at the same offset, with the same
/// seqno, and, where we call it intact, with the same length and CRC.
/// </summary>
public sealed partial class RingScanAgainstPvckTests
{
    [Theory]
    [InlineData("lost_vdi", "disk.img")]
    [InlineData("ring_wrapped", "disk.img")]
    [InlineData("multi_pv", "disk0.img")]
    [InlineData("multi_pv", "disk1.img")]
    [InlineData("qcow2_sr", "disk.img")]
    public void Every_copy_pvck_finds_is_found_with_the_same_offset_length_and_crc(string scenario, string image)
    {
        var path = Fixtures.Image(scenario, image);
        List<PvckCopy> pvck;
        using (var loop = LoopDevice.Attach(path, readOnly: true))
        {
            var r = Lvm2.Pvck(loop.Path, "--dump", "metadata_search");
            Assert.True(r.ExitCode == 0, r.All);
            pvck = ParsePvck(r.StdOut);
        }

        Assert.NotEmpty(pvck);
        using var source = FileSource.Open(path);
        var scan = PvScanner.Scan(source, 0, new FindingLog());
        var ours = scan.Copies.ToDictionary(c => c.OffsetBytes);
        foreach (var p in pvck)
        {
            Assert.True(ours.TryGetValue(p.Offset, out var copy), $"pvck's copy seqno {p.Seqno} at {p.Offset} not found");
            Assert.Equal(p.Seqno, copy.Seqno);
            Assert.Equal(p.VgId, copy.VgId);
            if (!copy.IsDamaged)
            {
                Assert.Equal(p.Length, copy.SizeBytes);
                Assert.Equal(p.Crc, copy.Checksum);
            }
        }
    }

    [Fact]
    public void Ring_wrapped_matches_the_recorded_pvck_output_in_order_of_the_ring()
    {
        var expected = Fixtures.Expected("ring_wrapped").GetProperty("surviving_seqnos").EnumerateArray().Select(e => e.GetInt64()).ToList();
        using var source = FileSource.Open(Fixtures.Image("ring_wrapped"));
        var scan = PvScanner.Scan(source, 0, new FindingLog());
        var intact = scan.Copies.Where(c => !c.IsDamaged).OrderBy(c => c.OffsetBytes).Select(c => c.Seqno).ToList();
        Assert.Equal(expected, intact);
        var committed = Assert.Single(scan.Copies, c => c.IsCommitted);
        Assert.Equal(74, committed.Seqno);
        Assert.True(committed.SlotChecksumMatches);
    }

    internal sealed record PvckCopy(long Offset, long Length, uint Crc, long Seqno, string VgId);

    internal static List<PvckCopy> ParsePvck(string output) =>
        PvckLine().Matches(output).Select(m => new PvckCopy(
            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            uint.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture),
            m.Groups[5].Value)).ToList();

    [GeneratedRegex(@"metadata at (\d+) length (\d+) crc ([0-9a-f]+) vg \S+ seqno (\d+) id (\S+)")]
    private static partial Regex PvckLine();
}
