using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Lvm;
using SrRescue.Qcow2;
using SrRescue.Tests.Qcow2;
using SrRescue.Tests.Support;
using SrRescue.Xen;

namespace SrRescue.Tests.Xen;

/// <summary>
/// A QCOW2 image's backing file found among the qcow2_sr fixture's LVs: by the LV path sm writes,
/// by the device-mapper spelling, a QCOW2, raw or VHD LV below, and a path into another VG.
/// The children are made here by qemu-img (create -u: qemu does not open the backing file) and
/// hold no data of their own, so the chain reads as the LV below does.
/// </summary>
public sealed class LvBackingResolverTests
{
    private const string Scenario = "qcow2_sr";

    [Theory]
    [InlineData("/dev/VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f",
        "VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13", "QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f")]
    [InlineData("/dev/mapper/VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-QCOW2--b2e1d4c3--5a6f--4d7e--8f90--1a2b3c4d5e6f",
        "VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13", "QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f")]
    [InlineData("VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-LV--0716c9b8--afb4--42c3--de45--6f708192a3b4",
        "VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13", "LV-0716c9b8-afb4-42c3-de45-6f708192a3b4")]
    [InlineData("VHD-e5d4a7f6-8d92-40a1-bc23-4d5e6f708192", null, "VHD-e5d4a7f6-8d92-40a1-bc23-4d5e6f708192")]
    [InlineData("/dev/mapper/QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f", null, "QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f")]
    public void The_lv_is_the_paths_last_component_or_its_device_mapper_name(string backing, string? vg, string lv) =>
        Assert.Equal((vg, lv), LvBackingResolver.LvOf(backing));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/var/run/sr-mount/5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f.qcow2")]
    [InlineData("../base.qcow2")]
    public void A_name_that_is_no_lv_path_names_no_lv(string backing) => Assert.Null(LvBackingResolver.LvOf(backing));

    [Theory]
    [InlineData("/dev/mapper/VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-QCOW2--a1f0c3d2--4b5e--4c6d--9e7f--8a9b0c1d2e3f", "qcow2", 32)]
    [InlineData("/dev/VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/LV-0716c9b8-afb4-42c3-de45-6f708192a3b4", "raw", 16)]
    [InlineData("/dev/mapper/VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-VHD--e5d4a7f6--8d92--40a1--bc23--4d5e6f708192", "vpc", 16)]
    public void An_empty_child_reads_as_the_lv_below_through_its_reader(string backing, string format, int sizeMiB)
    {
        var lv = LvBackingResolver.LvOf(backing)!.Value.Lv;
        var below = Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("lv").GetString() == lv);
        WithChild(backing, format, sizeMiB, (chain, log) =>
        {
            Assert.True(chain.IsComplete, string.Join("; ", log.Snapshot()));
            Assert.Equal(lv, chain.MemberNames[1]);
            Assert.Equal(below.GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(chain.Disk));
            Assert.DoesNotContain(log.Snapshot(), f => f.Severity != Severity.Info);
        });
    }

    [Fact]
    public void A_backing_path_into_another_vg_reads_the_lv_of_that_name_here_with_a_warning()
    {
        WithChild("/dev/VG_XenStorage-00000000-0000-0000-0000-000000000000/QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f", "qcow2", 32, (chain, log) =>
        {
            Assert.True(chain.IsComplete);
            Assert.Contains(log.Snapshot(), f => f.Code == XenCodes.BackingOtherVg && f.Severity == Severity.Warning);
            var baseCopy = Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("lv").GetString() == chain.MemberNames[1]);
            Assert.Equal(baseCopy.GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(chain.Disk));
        });
    }

    [Fact]
    public void A_backing_lv_no_copy_has_leaves_the_chain_incomplete()
    {
        WithChild("/dev/VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/QCOW2-99999999-9999-4999-8999-999999999999", "qcow2", 16, (chain, log) =>
        {
            Assert.False(chain.IsComplete);
            Assert.Contains(log.Snapshot(), f => f.Code == Qcow2Codes.ChainBackingMissing);
        });
    }

    private static void WithChild(string backing, string format, int sizeMiB, Action<Qcow2Chain, FindingLog> check)
    {
        var child = Path.Combine(Fixtures.NewTempDir(), "child.qcow2");
        ExternalTool.RunChecked(QemuQcow2.Img, "create", "-q", "-f", "qcow2", "-u", "-b", backing, "-F", format, child, $"{sizeMiB}M");
        using var lvm = LvmInspection.Open([Fixtures.Image(Scenario)], null);
        using var file = FileSource.Open(child);
        var log = new FindingLog();
        check(Qcow2Chain.Open(file, "child", new LvBackingResolver(new SrVolumes(lvm)), log), log);
    }
}

/// <summary>A QCOW2 chain copied off the SR into files named after the VDIs: the backing LV path leads to the copy.</summary>
public sealed class Qcow2BackingFileNamesTests
{
    [Fact]
    public void The_lv_path_a_child_names_maps_to_the_copy_of_that_lv()
    {
        Assert.Equal(["QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f.qcow2", "b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f.qcow2"],
            Qcow2BackingFiles.Names("/dev/VG_XenStorage-5e1c0a72-9d4b-4f6e-8a31-2b7c6d0e9f13/QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f"));
        Assert.Equal(["QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f", "QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f.qcow2", "b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f.qcow2"],
            Qcow2BackingFiles.Names("/dev/mapper/VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-QCOW2--b2e1d4c3--5a6f--4d7e--8f90--1a2b3c4d5e6f"));
        Assert.Equal(["LV-0716c9b8-afb4-42c3-de45-6f708192a3b4", "LV-0716c9b8-afb4-42c3-de45-6f708192a3b4.raw", "0716c9b8-afb4-42c3-de45-6f708192a3b4.raw"],
            Qcow2BackingFiles.Names("/dev/mapper/VG_XenStorage--5e1c0a72--9d4b--4f6e--8a31--2b7c6d0e9f13-LV--0716c9b8--afb4--42c3--de45--6f708192a3b4"));
        Assert.Equal(["QCOW2-b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f"], Qcow2BackingFiles.Names("b2e1d4c3-5a6f-4d7e-8f90-1a2b3c4d5e6f.qcow2"));
        Assert.Empty(Qcow2BackingFiles.Names("base.qcow2"));
    }

    /// <summary>The chain copied off the SR: each LV saved as &lt;vdi uuid&gt;.qcow2, the leaf naming its base by the LV path.</summary>
    [Fact]
    public void A_chain_of_copied_lvs_reads_as_qemu_read_it()
    {
        var expected = Fixtures.Expected("qcow2_sr").GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        var leaf = expected.Values.First(v => v.GetProperty("kind").GetString() == "qcow2" && v.GetProperty("parent").GetString() is not null);
        var dir = Fixtures.NewTempDir();
        foreach (var vdi in new[] { leaf, expected[leaf.GetProperty("parent").GetString()!] })
        {
            var file = Path.Combine(dir, vdi.GetProperty("uuid").GetString() + ".qcow2");
            var r = Support.Cli.Run("export", Fixtures.Image("qcow2_sr"), "--lv", vdi.GetProperty("lv").GetString()!, "-o", file);
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
        }

        using var resolver = Qcow2BackingFiles.Resolver(dir);
        using var source = FileSource.Open(Path.Combine(dir, leaf.GetProperty("uuid").GetString() + ".qcow2"));
        var log = new FindingLog();
        var chain = Qcow2Chain.Open(source, "leaf", resolver, log);
        Assert.True(chain.IsComplete, string.Join("; ", log.Snapshot()));
        Assert.Equal(leaf.GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(chain.Disk));
    }
}
