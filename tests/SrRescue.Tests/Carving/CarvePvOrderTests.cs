using SrRescue.Carving;
using SrRescue.Lvm;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Carving;

/// <summary>
/// The PV a carve reads is whichever source comes first; its grid and the extents metadata still
/// gives to LVs must be that PV's own, not those of the VG's first PV.
/// </summary>
public sealed class CarvePvOrderTests
{
    [Fact]
    public void A_source_gets_its_own_pvs_reserved_extents_whatever_the_order_given()
    {
        var expected = Fixtures.Expected("multi_pv");
        var pvUuid = expected.GetProperty("pvs").EnumerateArray().ToDictionary(p => p.GetProperty("image").GetString()!, p => p.GetProperty("pv_uuid").GetString()!);
        using var lvm = LvmInspection.Open([Fixtures.Image("multi_pv", "disk1.img"), Fixtures.Image("multi_pv", "disk0.img")], null);
        var disk1 = lvm.Pvs.PvSources[0];
        Assert.Equal(pvUuid["disk1.img"], lvm.Pvs.PvUuidOf(disk1));
        Assert.Equal(pvUuid["disk0.img"], lvm.Pvs.PvUuidOf(lvm.Pvs.PvSources[1]));

        // On disk1: VHD-f9dc… at extents 3-6 (the final metadata) and the lost VDI's tail; on
        // disk0 the thick VDI holds 15-122, which on disk1 are free.
        var reserved = Carver.ReservedPes(lvm, disk1);
        foreach (var segment in expected.GetProperty("lvs").EnumerateArray().SelectMany(l => l.GetProperty("segments").EnumerateArray())
                     .Where(s => s.GetProperty("image").GetString() == "disk1.img"))
        {
            var first = segment.GetProperty("pe").GetInt64();
            for (var pe = first; pe < first + segment.GetProperty("count").GetInt64(); pe++)
            {
                Assert.Contains(pe, reserved);
            }
        }

        Assert.DoesNotContain(100L, reserved);
        Assert.Equal(expected.GetProperty("pvs")[1].GetProperty("pe_start").GetInt64(), ExtentGrid.Find(disk1, lvm).PeStartBytes);
    }
}
