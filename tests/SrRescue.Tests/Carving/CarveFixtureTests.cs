using SrRescue.Carving;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Carving;

/// <summary>Carving the shared fixtures: every old VDI back, bit-exact, with its extent map.</summary>
public sealed class CarveFixtureTests
{
    [Fact]
    public void Sr_recreated_every_old_vdi_is_carved_bit_exact_with_its_extent_map()
    {
        var (result, log, lvm) = CarveHarness.Carve("sr_recreated");
        using var _ = lvm;
        CarveHarness.AssertAllRecovered("sr_recreated", result, log);

        // Nothing of the new SR (its MGT at extent 0) is taken for an old VDI.
        Assert.DoesNotContain(result.Vdis, v => v.Vhd.Pes.Contains(0));
    }

    [Fact]
    public void Sr_recreated_names_base_copy_and_snapshot_from_locators_and_stale_mgt()
    {
        var (result, _, lvm) = CarveHarness.Carve("sr_recreated");
        using var __ = lvm;
        var expected = Fixtures.Expected("sr_recreated");
        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray())
        {
            var carved = result.FindByVhdUuid(Guid.Parse(vdi.GetProperty("vhd_uuid").GetString()!))!;
            if (carved.UuidSource != VdiUuidSource.VhdFooter)
            {
                Assert.Equal(vdi.GetProperty("uuid").GetString(), carved.VdiUuid);
            }

            if (vdi.GetProperty("parent").GetString() is { } parent)
            {
                Assert.Equal(parent, result.FindByVhdUuid(carved.ParentVhdUuid!.Value)!.VdiUuid);
            }
        }

        Assert.Contains(result.Vdis, v => v.UuidSource == VdiUuidSource.ChildLocator);
    }

    [Fact]
    public void Mda_wiped_without_the_backup_carving_alone_recovers_every_vdi()
    {
        var (result, log, lvm) = CarveHarness.Carve("mda_wiped_with_backup");
        using var _ = lvm;
        Assert.StartsWith("no LVM metadata", result.Grid.Evidence, StringComparison.Ordinal);
        CarveHarness.AssertAllRecovered("mda_wiped_with_backup", result, log);
    }

    [Fact]
    public void Mda_wiped_carving_and_the_backup_agree_on_every_extent()
    {
        var backup = Path.Combine(Fixtures.Root, "mda_wiped_with_backup", "lvm-backup");

        // Only the MGT is reserved: the VDIs' own LVs are what carving must find by itself.
        var (result, _, lvm) = CarveHarness.Carve("mda_wiped_with_backup", backup, lv => LvName.Parse(lv).Kind != LvKind.VhdVdi);
        using var __ = lvm;
        var vg = lvm.Vg!.Newest!.Vg!;
        Assert.Equal(vg.ExtentSizeBytes, result.Grid.ExtentSizeBytes);
        Assert.Equal(vg.Pvs[0].PeStartSectors * 512, result.Grid.PeStartBytes);
        var vhdLvs = vg.Lvs.Where(l => LvName.Parse(l.Name).Kind == LvKind.VhdVdi).ToList();
        Assert.Equal(vhdLvs.Count, result.Vdis.Count);
        foreach (var lv in vhdLvs)
        {
            var carved = Assert.Single(result.Vdis, v => v.LvName == lv.Name || v.Vhd.Pes[0] == lv.PhysicalRanges(vg)[0].FirstPe);
            var fromBackup = lv.PhysicalRanges(vg).SelectMany(r => Enumerable.Range(0, (int)r.PeCount).Select(i => r.FirstPe + i)).ToList();
            Assert.Equal(fromBackup, carved.Vhd.Pes);
        }
    }
}
