using SrRescue.Carving;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// The qcow2_sr fixture (made by another recipe, make-qcow2-sr.sh) carved as if its metadata were
/// lost: no QCOW2 LV's extents reserved. Every QCOW2 LV (the deleted one too) comes back on the extents
/// lvs gave it, the thin one around the VHD between its segments, and reads as qemu-img converts
/// it; the leaf over a raw base reads without it and says so; MGT names the snapshot pair.
/// </summary>
public sealed class CarveQcow2FixtureTests
{
    [Fact]
    public void Every_qcow2_lv_of_the_fixture_comes_back_without_its_metadata()
    {
        // The VHD LV keeps its metadata: the fixture's VHD is qemu-img's (blktap is not available
        // there), whose footer follows its data instead of ending the LV and whose bitmaps cover
        // sectors it never wrote, so the VHD carve takes the thin QCOW2 VDI's next extent for it
        // (with High confidence, from six sectors of data that agree with its bitmap).
        var (result, log, _) = CarveHarness.Carve("qcow2_sr", reserveLv: lv => lv.StartsWith("VHD-", StringComparison.Ordinal));
        var expected = Fixtures.Expected("qcow2_sr");
        var describe = CarveQcow2Tests.Describe(result);
        var qcow2 = expected.GetProperty("vdis").EnumerateArray().Where(v => v.GetProperty("kind").GetString() == "qcow2").ToList();
        Assert.True(qcow2.Count == result.Qcow2Vdis.Count, describe);
        foreach (var v in qcow2)
        {
            var uuid = v.GetProperty("uuid").GetString()!;
            var segments = CarveHarness.ExpectedSegments(v);
            var carved = result.FindQcow2ByStartPe(segments[0].Pe);
            Assert.True(carved is not null, $"{uuid}\n{describe}");
            Assert.True(segments.SequenceEqual(result.Segments(carved.Carved.Extents).Select(s => (s.Le, s.Pe, s.Count))), $"{uuid}\n{describe}");
            Assert.Equal(v.GetProperty("lv_size").GetInt64(), carved.Carved.LvSizeBytes);
            Assert.Equal(v.GetProperty("hidden").GetBoolean(), carved.IsHidden);
            var chain = result.OpenChain(carved, log);
            if (v.GetProperty("name_label").GetString() == "iso cache")
            {
                // Its base is a raw LV, which no structure finds.
                Assert.False(chain.IsComplete);
                Assert.Equal(v.GetProperty("parent").GetString(), carved.BackingVdiUuid);
                continue;
            }

            Assert.True(chain.IsComplete, $"{uuid}: {chain.MissingBacking}");
            Assert.True(v.GetProperty("raw_sha256").GetString() == VhdFiles.Sha256(chain.Disk), $"{uuid}: sha differs\n{describe}");
        }

        // The base copy is named by its children, the two children by MGT's snapshot record.
        foreach (var (name, source) in new[] { ("base copy", VdiUuidSource.ChildBackingFile), ("web01", VdiUuidSource.MgtSnapshotLink), ("web01 before upgrade", VdiUuidSource.MgtSnapshotLink) })
        {
            var v = qcow2.Single(x => x.GetProperty("name_label").GetString() == name);
            var carved = result.FindQcow2ByStartPe(CarveHarness.ExpectedSegments(v)[0].Pe)!;
            Assert.Equal((v.GetProperty("uuid").GetString(), source), (carved.VdiUuid, carved.UuidSource));
        }

        Assert.DoesNotContain(log, f => f.Code is "carve.qcow2.table-not-found" or "carve.qcow2.table-damaged" or "carve.qcow2.extent-missing");
    }
}
