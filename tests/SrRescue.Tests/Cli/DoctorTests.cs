using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance (doctor): on every SR fixture, `doctor --json` names the fault expected.json states
/// and lists every VDI with its uuid, name label (from MGT, deleted ones included), parent and
/// hidden flag.
/// </summary>
public sealed class DoctorTests
{
    [Theory]
    [InlineData("lost_vdi", null)]
    [InlineData("snapshot_chain", null)]
    [InlineData("multi_pv", null)]
    [InlineData("ring_wrapped", null)]
    [InlineData("gpt_local_sr", null)]
    [InlineData("mda_wiped_with_backup", "lvm-backup")]
    [InlineData("qcow2_sr", null)]
    public void Doctor_names_the_fault_and_every_vdi(string scenario, string? backup)
    {
        var expected = Fixtures.Expected(scenario);
        var json = Run(scenario, backup, Fixtures.NewTempDir());
        Assert.Equal("srrescue.doctor/1", json.GetProperty("schema").GetString());
        var kinds = json.GetProperty("faults").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).ToList();
        Assert.Contains(expected.GetProperty("fault").GetString(), kinds);
        Assert.Equal(expected.GetProperty("sr_uuid").GetString(), json.GetProperty("sr_uuid").GetString());
        var vdis = json.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray())
        {
            var v = vdis[vdi.GetProperty("uuid").GetString()!];
            Assert.Equal(vdi.GetProperty("name_label").GetString(), v.GetProperty("name_label").GetString());
            if (v.GetProperty("state").GetString() is "present" or "deleted-recoverable")
            {
                Assert.Equal(vdi.GetProperty("parent").GetString(), v.GetProperty("parent").GetString());
                Assert.Equal(vdi.GetProperty("hidden").GetBoolean(), v.GetProperty("hidden").GetBoolean());
            }
        }

        var plan = json.GetProperty("plan").EnumerateArray().ToList();
        Assert.NotEmpty(plan);
        Assert.Contains(plan, s => s.GetProperty("tool").GetString() == "xe");
        // srrescue writes to a source only with --in-place (the F1 partition table, undo journal first).
        Assert.All(plan.Where(s => s.GetProperty("tool").GetString() == "srrescue"),
            s => Assert.Equal(s.GetProperty("argv").EnumerateArray().Any(a => a.GetString() == "--in-place"), s.GetProperty("writes_to_disk").GetBoolean()));
    }

    [Fact]
    public void Sr_recreated_is_named_with_the_old_vdis_mgt_still_remembers()
    {
        var expected = Fixtures.Expected("sr_recreated");
        var json = Run("sr_recreated", null, Fixtures.NewTempDir());
        Assert.Contains(json.GetProperty("faults").EnumerateArray(), f => f.GetProperty("kind").GetString() == "sr-recreated");
        var vdis = json.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        var names = expected.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!, v => v.GetProperty("name_label").GetString());
        foreach (var uuid in expected.GetProperty("stale_mgt_records").EnumerateArray().Select(e => e.GetString()!))
        {
            Assert.Equal(names[uuid], vdis[uuid].GetProperty("name_label").GetString());
        }
    }

    internal static JsonElement Run(string scenario, string? backup, string outputDir, string[]? images = null)
    {
        var expected = Fixtures.Expected(scenario);
        string[] args = ["doctor", .. images ?? expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!)), "--output-dir", outputDir, "--json"];
        if (backup is not null)
        {
            args = [.. args, "--lvm-backup", Path.Combine(Fixtures.Root, scenario, backup)];
        }

        var r = Support.Cli.Run(args);
        Assert.True(r.ExitCode is 0 or 1, r.Err);
        return r.Json();
    }
}

/// <summary>The doctor on VHD files (the vhd_damaged fixture): fault F5 for each damaged file, none for the originals.</summary>
public sealed class DoctorVhdFileTests
{
    [Theory]
    [InlineData("a-footer-c7")]
    [InlineData("b-header-checksum")]
    [InlineData("c-bat-orphans")]
    [InlineData("d-batmap-checksum")]
    [InlineData("e-backup-footer-zeroed")]
    [InlineData("f-child")]
    public void Damaged_vhd_files_are_named_vhd_damaged_and_get_a_repair_plan(string name)
    {
        var dir = VhdFiles.Extract("vhd_damaged", name + ".vhd.gz", name + ".orig.vhd.gz");
        var damaged = Support.Cli.Run("doctor", Path.Combine(dir, name + ".vhd"), "--output-dir", dir, "--json");
        Assert.Equal(1, damaged.ExitCode);
        var json = damaged.Json();
        Assert.Equal(Fixtures.Expected("vhd_damaged").GetProperty("fault").GetString(),
            Assert.Single(json.GetProperty("faults").EnumerateArray()).GetProperty("kind").GetString());
        var plan = json.GetProperty("plan").EnumerateArray().Select(s => s.GetProperty("command").GetString()!).ToList();
        if (name == "f-child")
        {
            // Its own structures are sound; the parent is not beside it. Nothing is planned for
            // import (a differencing VHD alone is no disk) and the doctor says where the parent goes.
            Assert.DoesNotContain(plan, c => c.Contains("vdi-import", StringComparison.Ordinal));
            Assert.Contains(json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("is missing: put it beside f-child.vhd", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(plan, c => c.Contains("vhd repair", StringComparison.Ordinal));
        }

        if (name != "f-child")
        {
            // f-child.orig is the same file: its damage is the parent's missing name.
            var clean = Support.Cli.Run("doctor", Path.Combine(dir, name + ".orig.vhd"), "--output-dir", dir, "--json");
            Assert.Equal(0, clean.ExitCode);
            Assert.Empty(clean.Json().GetProperty("faults").EnumerateArray());
        }
    }
}
