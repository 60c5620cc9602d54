using SrRescue.Xen;

namespace SrRescue.Tests.Xen;

/// <summary>LV and VG names of an LVHD SR (xenserver-lvhd.md 1.1, 1.2).</summary>
public sealed class LvNameTests
{
    private const string Uuid = "d68a9ac7-a858-4141-aee8-93a9cec769fd";

    [Theory]
    [InlineData("VHD-" + Uuid, LvKind.VhdVdi, Uuid, null)]
    [InlineData("LV-" + Uuid, LvKind.RawVdi, Uuid, null)]
    [InlineData("QCOW2-" + Uuid, LvKind.Qcow2Vdi, Uuid, null)]
    [InlineData("MGT", LvKind.Mgt, null, null)]
    [InlineData("inflate_" + Uuid + "_8388608", LvKind.Journal, Uuid, "inflate")]
    [InlineData("clone_" + Uuid + "_1", LvKind.Journal, Uuid, "clone")]
    [InlineData("jvhd_" + Uuid, LvKind.VhdJournal, Uuid, "jvhd")]
    [InlineData(Uuid + ".cbtlog", LvKind.CbtLog, Uuid, null)]
    [InlineData("VHD-OLD_" + Uuid, LvKind.CoalesceLeftover, Uuid, null)]
    [InlineData("e461425c-d2dd-410a-ad61-2a31bd197824_trim_lv", LvKind.TrimLv, null, null)]
    [InlineData("VHD-not-a-uuid", LvKind.Other, null, null)]
    [InlineData("root", LvKind.Other, null, null)]
    public void Names_are_classified(string name, LvKind kind, string? vdi, string? journal)
    {
        var n = LvName.Parse(name);
        Assert.Equal(kind, n.Kind);
        Assert.Equal(vdi, n.VdiUuid);
        Assert.Equal(journal, n.JournalType);
        Assert.Equal(kind is LvKind.VhdVdi or LvKind.RawVdi or LvKind.Qcow2Vdi, n.IsVdi);
    }

    [Theory]
    [InlineData("VG_XenStorage-e461425c-d2dd-410a-ad61-2a31bd197824", "e461425c-d2dd-410a-ad61-2a31bd197824")]
    [InlineData("XSLocalEXT-e461425c-d2dd-410a-ad61-2a31bd197824", null)]
    [InlineData("VG_XenStorage-garbage", null)]
    public void Sr_uuid_comes_from_the_vg_name(string vg, string? sr) => Assert.Equal(sr, LvName.SrUuidOf(vg));
}
