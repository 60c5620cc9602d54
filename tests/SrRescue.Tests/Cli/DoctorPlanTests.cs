using System.Text.Json;
using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Acceptance (doctor): the plan's commands, run in order on a copy of the image, recover the
/// lost VDIs. The srrescue steps run as printed; for lost_vdi the real vgcfgrestore step runs too
/// (on a loop device over the copy), and the VDI is then read back from the repaired SR. Every
/// recovered VDI must have the raw_sha256 blktap computed.
/// </summary>
public sealed class DoctorPlanTests
{
    [Theory]
    [InlineData("lost_vdi", null, true)]
    [InlineData("snapshot_chain", null, false)]
    [InlineData("multi_pv", null, false)]
    [InlineData("ring_wrapped", null, false)]
    [InlineData("gpt_local_sr", null, false)]
    [InlineData("mda_wiped_with_backup", "lvm-backup", false)]
    [InlineData("qcow2_sr", null, true)]
    public void Running_the_plan_recovers_the_lost_vdis(string scenario, string? backup, bool runLvmSteps)
    {
        var expected = Fixtures.Expected(scenario);
        var images = expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.CopyOfImage(scenario, i.GetProperty("name").GetString()!)).ToArray();
        var outDir = Fixtures.NewTempDir();
        var json = DoctorTests.Run(scenario, backup, outDir, images);
        var steps = json.GetProperty("plan").EnumerateArray().ToList();
        var exported = new List<string>();
        LoopDevice[] loops = [];
        try
        {
            foreach (var step in steps)
            {
                var argv = step.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToArray();
                switch (step.GetProperty("tool").GetString())
                {
                    case "srrescue":
                        var r = Support.Cli.Run(argv[1..]);
                        Assert.True(r.ExitCode == 0, $"{step.GetProperty("command").GetString()}: {r.Out}{r.Err}");
                        if (argv[1] == "export")
                        {
                            exported.Add(argv[Array.IndexOf(argv, "--vdi") + 1]);
                        }

                        break;
                    case "lvm" when runLvmSteps:
                        if (loops.Length == 0)
                        {
                            loops = [.. images.Select(i => LoopDevice.Attach(i, readOnly: false))];
                        }

                        var lvm = Lvm2.Run(argv[0], [.. loops.Select(l => l.Path)], argv[1..]);
                        Assert.True(lvm.ExitCode == 0, $"{step.GetProperty("command").GetString()}: {lvm.All}");
                        break;
                }
            }
        }
        finally
        {
            foreach (var l in loops)
            {
                l.Dispose();
            }
        }

        var vdis = expected.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!);
        var lost = expected.TryGetProperty("lost", out var l2) ? l2.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        Assert.Subset(exported.ToHashSet(), lost.ToHashSet());
        foreach (var uuid in exported)
        {
            var file = Directory.GetFiles(outDir, uuid + ".*").Single();
            Assert.Equal(vdis[uuid].GetProperty("raw_sha256").GetString(), HashOfExport(file));
        }

        if (runLvmSteps)
        {
            // The SR itself is repaired: the lost VDI is in the newest metadata again and reads back.
            foreach (var uuid in lost)
            {
                var raw = Path.Combine(Fixtures.NewTempDir(), "after.raw");
                var r = Support.Cli.Run(["export", .. images, "--vdi", uuid, "--format", "raw", "-o", raw, "--json"]);
                Assert.True(r.ExitCode == 0, r.Out + r.Err);
                Assert.True(r.Json().GetProperty("in_newest_metadata").GetBoolean());
                Assert.Equal(vdis[uuid].GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
            }
        }
    }

    [Fact]
    public void On_sr_recreated_the_plan_carves_every_old_vdi_back()
    {
        var expected = Fixtures.Expected("sr_recreated");
        var image = Fixtures.CopyOfImage("sr_recreated");
        var outDir = Fixtures.NewTempDir();
        var json = DoctorTests.Run("sr_recreated", null, outDir, [image]);
        var steps = json.GetProperty("plan").EnumerateArray().Where(s => s.GetProperty("tool").GetString() == "srrescue").ToList();
        Assert.Contains(steps, s => s.GetProperty("argv")[1].GetString() == "carve");
        foreach (var step in steps)
        {
            var argv = step.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToArray();
            var r = Support.Cli.Run(argv[1..]);
            Assert.True(r.ExitCode is 0 or 1, $"{step.GetProperty("command").GetString()}: {r.Out}{r.Err}");
        }

        // Three old VDIs' uuids are written nowhere on the disk any more (their LV names are gone,
        // and MGT records do not link a name to a VHD), so the files are matched by content.
        var recovered = Directory.GetFiles(Path.Combine(outDir, "carved"), "*.vhd").Select(HashOfExport).ToHashSet();
        foreach (var vdi in expected.GetProperty("vdis").EnumerateArray())
        {
            Assert.Contains(vdi.GetProperty("raw_sha256").GetString()!, recovered);
        }

        // The doctor lists the carved VDIs; the base copy and the chain's leaf carry their real uuids.
        var listed = json.GetProperty("vdis").EnumerateArray().Where(v => v.GetProperty("state").GetString() == "carved").ToList();
        Assert.Equal(expected.GetProperty("vdis").GetArrayLength(), listed.Count);
        var baseCopy = expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("hidden").GetBoolean());
        var ours = Assert.Single(listed, v => v.GetProperty("uuid").GetString() == baseCopy.GetProperty("uuid").GetString());
        Assert.True(ours.GetProperty("hidden").GetBoolean());
    }

    private static string HashOfExport(string file)
    {
        if (!file.EndsWith(".vhd", StringComparison.Ordinal))
        {
            return ExportWithQemuImgTests.Sha256(file);
        }

        using var source = FileSource.Open(file);
        var image = VhdImage.Open(source, new FindingLog());
        Assert.Equal(VhdDiskType.Dynamic, image.DiskType);
        return VhdFiles.Sha256(new VhdVirtualDisk(image, null));
    }
}
