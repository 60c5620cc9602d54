using System.Text.Json;
using SrRescue.Recovery.Dom0;
using SrRescue.Tests.Support;
using SrRescue.Tests.Vhd;
using Xunit.Abstractions;

namespace SrRescue.Tests.Recovery.Dom0;

/// <summary>
/// Issue 13 item 2: the dom0 scripts, run with sh (dash) or busybox sh against read-only loop
/// devices over each SR fixture, bring back captures srrescue analyses like the full image, and
/// then every VDI the fixture lists as recoverable, bit-exact (its raw_sha256 from blktap).
/// </summary>
public sealed class Dom0ScriptTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Scenarios => new()
    {
        { "lost_vdi", "sh" },
        { "snapshot_chain", "sh" },
        { "ring_wrapped", "sh" },
        { "gpt_local_sr", "sh" },
        { "qcow2_sr", "busybox" },
        { "multi_pv", "busybox" },
        { "mda_wiped_with_backup", "busybox" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void The_scripts_recover_every_fixture_vdi_bit_exact(string scenario, string shell)
    {
        // gpt_local_sr: the PV starts 49 MiB into the disk (its partition table is gone).
        using var run = new Dom0FixtureRun(scenario, shell, scenario == "gpt_local_sr" ? ["--head-mib", "64"] : []);
        run.Capture();

        Assert.Equal(VdiStates([.. run.Images, .. run.Backup]), VdiStates([.. run.Captures, .. run.Backup]));
        var imageBytes = run.Images.Sum(i => new FileInfo(i).Length);
        output.WriteLine($"{scenario}: captures hold {run.CopiedBytes} copied bytes of {imageBytes} ({100.0 * run.CopiedBytes / imageBytes:F1} %)");
        Assert.True(run.CopiedBytes < imageBytes / 2, $"the captures copied {run.CopiedBytes} of {imageBytes} bytes");

        var vdis = run.RecoverableVdis();
        Assert.NotEmpty(vdis);
        var present = vdis.Where(v => !v.GetProperty("deleted").GetBoolean()).ToList();
        var deleted = vdis.Where(v => v.GetProperty("deleted").GetBoolean()).ToList();
        var outDir = Extract(run, "present", present, []);
        Check(outDir, present);
        if (deleted.Count > 0)
        {
            // A deleted VDI through the copy before its removal when the fixture says which, else the newest that has it.
            string[] seqno = run.Expected.TryGetProperty("lost_removed_in_seqno", out var removed) ? ["--seqno", (removed.GetInt64() - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
            Check(Extract(run, "deleted", deleted, seqno), deleted);
        }

    }

    [Fact]
    public void Nothing_is_overwritten_and_a_damaged_capture_is_refused()
    {
        using var run = new Dom0FixtureRun("lost_vdi", "sh");
        run.Capture();
        var manifestBefore = File.ReadAllText(run.Captures[0] + CaptureManifest.Suffix);
        var again = Dom0Shell.Run("sh", Path.Combine(run.Dir, "step1.sh"), run.Dom0);
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("already exists", again.StdErr, StringComparison.Ordinal);
        Assert.Equal(manifestBefore, File.ReadAllText(run.Captures[0] + CaptureManifest.Suffix));

        var vdi = run.RecoverableVdis()[0].GetProperty("uuid").GetString()!;
        run.Plan("step3.sh", [.. run.Captures, "--vdi", vdi]);
        var outDir = Directory.CreateDirectory(Path.Combine(run.Dir, "out")).FullName;
        run.RunScript("step3.sh", outDir);
        var sums = File.ReadAllText(Path.Combine(outDir, "SHA256SUMS"));
        var twice = Dom0Shell.Run("sh", Path.Combine(run.Dir, "step3.sh"), outDir);
        Assert.NotEqual(0, twice.ExitCode);
        Assert.Contains("SHA256SUMS already exists", twice.StdErr, StringComparison.Ordinal);
        Assert.Equal(sums, File.ReadAllText(Path.Combine(outDir, "SHA256SUMS")));

        // One flipped byte of a copied range: the capture no longer matches what dom0 wrote down.
        var range = CaptureManifest.Read(run.Captures[0]).Ranges[^1];
        using (var f = new FileStream(run.Captures[0], FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = range.OffsetBytes;
            var b = f.ReadByte();
            f.Position = range.OffsetBytes;
            f.WriteByte((byte)(b ^ 0xFF));
        }

        var r = Support.Cli.Run("plan", "dom0", run.Captures[0], "-o", Path.Combine(run.Dir, "refused.sh"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("copy the capture again", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(run.Dir, "refused.sh")));
        AssertImagesUntouched(run);
    }

    [Fact]
    public void Over_ssh_a_chain_arrives_with_sums_dom0_computed()
    {
        using var run = new Dom0FixtureRun("snapshot_chain", "busybox");
        run.Capture();
        // A stand-in for ssh: runs the remote command line with sh, here, as sshd would.
        var bin = Directory.CreateDirectory(Path.Combine(run.Dir, "bin")).FullName;
        File.WriteAllText(Path.Combine(bin, "ssh"), "#!/bin/sh\nshift\nexec /bin/sh -c \"$*\"\n");
        ExternalTool.RunChecked("chmod", "700", Path.Combine(bin, "ssh"));
        var remote = Path.Combine(run.Dir, "remote dir");
        var leaf = run.Expected.GetProperty("chains")[0][0].GetString()!;
        var vdi = run.Expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == leaf);
        var plan = run.Plan("step3.sh", [.. run.Captures, "--vdi", leaf, "--ssh", $"rescue@host:{remote}"]);
        Assert.Equal(run.Expected.GetProperty("chains")[0].GetArrayLength(), plan.GetProperty("files").GetArrayLength());
        run.RunScript("step3.sh", extraPath: bin);
        Check(remote, [vdi]);
    }

    [Fact]
    public void Whole_copies_an_sr_whose_metadata_is_gone_for_carving()
    {
        using var run = new Dom0FixtureRun("sr_recreated", "sh");
        run.RunScript("step1.sh");
        // The new SR's metadata does not know the old VDIs: step 2 can only copy the new SR's MGT.
        var capture = run.Plan("step2.sh", [.. run.Captures]);
        Assert.DoesNotContain(capture.GetProperty("capture_ranges").EnumerateArray(), r => r.GetProperty("what").GetString()!.StartsWith("VHD-", StringComparison.Ordinal));
        run.Plan("whole.sh", [.. run.Captures, "--whole"]);
        var outDir = Directory.CreateDirectory(Path.Combine(run.Dir, "out")).FullName;
        run.RunScript("whole.sh", outDir);
        var image = Path.Combine(outDir, Path.GetFileName(run.Devices[0]) + ".img");
        Assert.Equal(run.Expected.GetProperty("images")[0].GetProperty("sha256").GetString(), QemuVpc.Sha256File(image));
        AssertSums(outDir);
    }

    /// <summary>Step 3 for <paramref name="vdis"/> into a new directory; returns it.</summary>
    private static string Extract(Dom0FixtureRun run, string name, IReadOnlyList<JsonElement> vdis, string[] extra)
    {
        run.Plan($"step3-{name}.sh", [.. run.Captures, .. run.Backup, .. extra, .. vdis.SelectMany(v => new[] { "--vdi", v.GetProperty("uuid").GetString()! })]);
        var outDir = Directory.CreateDirectory(Path.Combine(run.Dir, name)).FullName;
        run.RunScript($"step3-{name}.sh", outDir);
        return outDir;
    }

    /// <summary>SHA256SUMS holds what is in the directory, and each VDI read through its extracted chain is the fixture's disk.</summary>
    private static void Check(string dir, IReadOnlyList<JsonElement> vdis)
    {
        AssertSums(dir);
        foreach (var v in vdis)
        {
            var lv = v.GetProperty("lv").GetString()!;
            var file = Path.Combine(dir, lv);
            var raw = Path.Combine(dir, lv + ".raw");
            if (!lv.StartsWith("LV-", StringComparison.Ordinal))
            {
                var r = Support.Cli.Run(lv.StartsWith("QCOW2-", StringComparison.Ordinal) ? "qcow2" : "vhd", "convert", file, "-o", raw, "--format", "raw", "--json");
                // A file named after its LV is read by the LV's footer rules (a deflated base copy's
                // footer follows its data, not the LV's end): every copy converts cleanly.
                Assert.True(r.ExitCode == 0, $"convert {lv}: exit {r.ExitCode} {r.Err}{r.Out}");
            }

            Assert.Equal(v.GetProperty("raw_sha256").GetString(), QemuVpc.Sha256File(File.Exists(raw) ? raw : file, v.GetProperty("virtual_size").GetInt64()));
        }
    }

    private static void AssertSums(string dir)
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "SHA256SUMS"));
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var (sum, name) = (line[..64], line[66..]);
            Assert.Equal(sum, QemuVpc.Sha256File(Path.Combine(dir, name)));
        }
    }

    private static void AssertImagesUntouched(Dom0FixtureRun run)
    {
        foreach (var (image, i) in run.Images.Select((x, i) => (x, i)))
        {
            Assert.Equal(run.Expected.GetProperty("images")[i].GetProperty("sha256").GetString(), QemuVpc.Sha256File(image));
        }
    }

    /// <summary>uuid → state of every VDI `srrescue list` finds.</summary>
    private static SortedDictionary<string, string> VdiStates(string[] sources)
    {
        var list = Support.Cli.Json(["list", .. sources]);
        return new(list.GetProperty("vdis").EnumerateArray().ToDictionary(v => v.GetProperty("uuid").GetString()!, v => v.GetProperty("state").GetString()!));
    }
}
