using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Cli;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Recovery;

/// <summary>
/// The doctor plans for QCOW2 VDIs as for VHD ones: when the SR cannot be repaired in place every
/// VDI is copied out as a VHD (the QCOW2 chain coalesced) and imported, and running the plan's
/// exports gives each chain's qemu-img hash; a deleted hidden QCOW2 VDI gets the command that clears
/// its hidden flag, not vhd-util's.
/// </summary>
public sealed class Qcow2DoctorTests
{
    private const string Scenario = "qcow2_sr";

    [Fact]
    public void With_its_metadata_area_damaged_the_plan_copies_out_every_qcow2_vdi_and_the_copies_are_whole()
    {
        // One byte of the metadata area header changed: its checksum fails (F3), the ring's copies
        // are still read, and the SR is not repaired in place: everything is exported and imported.
        var copy = Fixtures.CopyOfImage(Scenario);
        using (var f = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = 4096 + 400;
            f.WriteByte(0x55);
        }

        var outDir = Fixtures.NewTempDir();
        var json = DoctorTests.Run(Scenario, null, outDir, [copy]);
        Assert.Contains(json.GetProperty("faults").EnumerateArray(), f => f.GetProperty("id").GetString() == "F3");
        var steps = json.GetProperty("plan").EnumerateArray().ToList();
        var expected = Fixtures.Expected(Scenario).GetProperty("vdis").EnumerateArray().ToList();
        var exports = steps.Where(s => s.GetProperty("tool").GetString() == "srrescue")
            .Select(s => s.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToArray()).ToList();
        foreach (var vdi in expected.Where(v => !v.GetProperty("hidden").GetBoolean()))
        {
            var uuid = vdi.GetProperty("uuid").GetString()!;
            var argv = Assert.Single(exports, a => a[1] == "export" && a.Contains(uuid));
            Assert.Equal(vdi.GetProperty("kind").GetString() is "qcow2" or "vhd" ? "vhd" : "raw", argv[Array.IndexOf(argv, "--format") + 1]);
            var r = Support.Cli.Run(argv[1..]);
            Assert.True(r.ExitCode == 0, r.Out + r.Err);
            var file = argv[Array.IndexOf(argv, "-o") + 1];
            using var source = FileSource.Open(file);
            Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(new VhdVirtualDisk(VhdImage.Open(source, new FindingLog()), null)));
            Assert.Contains(steps, s => s.GetProperty("command").GetString()!.Contains($"filename={file} format=vhd", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(steps, s => s.GetProperty("command").GetString()!.Contains("vhd-util", StringComparison.Ordinal));
    }

    [Fact]
    public void A_deleted_hidden_qcow2_base_gets_the_dd_that_clears_its_vate_byte()
    {
        var expected = Fixtures.Expected(Scenario);
        var vg = expected.GetProperty("vg").GetString()!;
        var baseCopy = expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("kind").GetString() == "qcow2" && v.GetProperty("hidden").GetBoolean());
        var lv = baseCopy.GetProperty("lv").GetString()!;
        var copy = Fixtures.CopyOfImage(Scenario);
        using (var loop = LoopDevice.Attach(copy, readOnly: false))
        {
            var r = Lvm2.Run("lvremove", [loop.Path], "-y", $"{vg}/{lv}");
            Assert.True(r.ExitCode == 0, r.All);
        }

        var json = DoctorTests.Run(Scenario, null, Fixtures.NewTempDir(), [copy]);
        var warning = Assert.Single(json.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!), w => w.StartsWith(lv, StringComparison.Ordinal));
        Assert.DoesNotContain("vhd-util", warning, StringComparison.Ordinal);
        var dd = System.Text.RegularExpressions.Regex.Match(warning, @"printf '\\0' \| dd of=/dev/" + vg + "/" + lv + @" bs=1 seek=(\d+) count=1 conv=notrunc");
        Assert.True(dd.Success, warning);
        var seek = long.Parse(dd.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // That byte of the LV is the flag: 1 now, and the image is no longer hidden once it is 0.
        var lvBytes = Path.Combine(Fixtures.NewTempDir(), "base.qcow2");
        var export = Support.Cli.Run("export", copy, "--lv", lv, "-o", lvBytes);
        Assert.True(export.ExitCode == 0, export.Out + export.Err);
        using (var f = new FileStream(lvBytes, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = seek;
            Assert.Equal(1, f.ReadByte());
            f.Position = seek;
            f.WriteByte(0);
        }

        using var source = FileSource.Open(lvBytes);
        Assert.False(Qcow2Image.Open(source, new FindingLog()).IsHidden);
    }
}
