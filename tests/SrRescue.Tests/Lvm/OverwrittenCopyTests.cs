using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Lvm;

/// <summary>
/// A copy whose tail was overwritten by a newer copy that starts inside it (what LVM 2.02's
/// placement and interrupted writes leave behind). pvck joins the old head to the newer text,
/// calls it one copy and skips past the newer one; we must flag the old copy as damaged and still
/// find the newer one.
/// </summary>
public sealed class OverwrittenCopyTests
{
    [Fact]
    public void Old_copy_overwritten_by_a_newer_one_is_flagged_and_the_newer_one_is_found()
    {
        var image = Samples.Bytes("s1_wrapped_pv_first1MiB.img.gz");
        var intact = PvScanner.Scan(new MemorySource(image), 0, new FindingLog()).Copies
            .Where(c => !c.IsDamaged && !c.Wraps && !c.IsCommitted).OrderBy(c => c.OffsetBytes).ToList();
        var victim = intact.First(c => c.SizeBytes > 1024);
        var newer = intact.Last();
        var newerBytes = image.AsSpan((int)newer.OffsetBytes, (int)newer.SizeBytes).ToArray();
        var at = (int)victim.OffsetBytes + 512;
        newerBytes.CopyTo(image, at);
        var path = Path.Combine(Fixtures.NewTempDir(), "overwritten.img");
        using (var file = File.Create(path))
        {
            // The sample is the first MiB of a 64 MiB PV; LVM refuses devices under 2 MiB.
            file.Write(image);
            file.SetLength(64 << 20);
        }

        List<RingScanAgainstPvckTests.PvckCopy> pvck;
        using (var loop = LoopDevice.Attach(path, readOnly: true))
        {
            var r = Lvm2.Pvck(loop.Path, "--dump", "metadata_search");
            Assert.True(r.ExitCode == 0, r.All);
            pvck = RingScanAgainstPvckTests.ParsePvck(r.StdOut);
            Assert.True(pvck.Any(p => p.Offset == victim.OffsetBytes), r.All);
        }

        var log = new FindingLog();
        var ours = PvScanner.Scan(new MemorySource(image), 0, log).Copies.ToDictionary(c => c.OffsetBytes);
        Assert.All(pvck, p => Assert.True(ours.ContainsKey(p.Offset), $"pvck's copy at {p.Offset} not found"));

        // pvck lists the victim as one copy made of its head and the newer text, and misses the newer copy.
        var joined = Assert.Single(pvck, p => p.Offset == victim.OffsetBytes);
        Assert.Equal(512 + newer.SizeBytes, joined.Length);
        Assert.DoesNotContain(pvck, p => p.Offset == at);

        Assert.True(ours[victim.OffsetBytes].IsDamaged);
        Assert.Equal(512, ours[victim.OffsetBytes].SizeBytes);
        Assert.Contains(log, f => f.Code == "lvm.copy.damaged" && f.Offset == victim.OffsetBytes);
        var found = ours[at];
        Assert.False(found.IsDamaged);
        Assert.Equal(newer.Seqno, found.Seqno);
        Assert.Equal(newer.Checksum, found.Checksum);
    }
}
