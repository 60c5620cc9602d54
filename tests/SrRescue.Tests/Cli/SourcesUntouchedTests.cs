using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>Safety rule: every command that reads a source leaves it byte-identical (undo alone writes, and only what its journal says; demo reads only its embedded image).</summary>
public sealed class SourcesUntouchedTests
{
    [Fact]
    public void Every_command_leaves_the_sources_byte_identical()
    {
        var a = Fixtures.CopyOfImage("multi_pv", "disk0.img");
        var b = Fixtures.CopyOfImage("multi_pv", "disk1.img");
        var before = (ExportWithQemuImgTests.Sha256(a), ExportWithQemuImgTests.Sha256(b), File.GetLastWriteTimeUtc(a), File.GetLastWriteTimeUtc(b));
        var lost = "VHD-" + Fixtures.Expected("multi_pv").GetProperty("lost")[0].GetString();
        var dir = Fixtures.NewTempDir();
        var runs = new[]
        {
            new[] { "scan", a, b },
            ["scan", a, b, "--json"],
            ["history", a, b],
            ["history", a, b, "--json"],
            ["show-metadata", a, b, "--seqno", "20"],
            ["diff", a, b, "--from", "20", "--to", "22"],
            ["restore-metadata", a, b, "--seqno", "21", "-o", Path.Combine(dir, "r.vg")],
            ["export", a, b, "--lv", lost, "-o", Path.Combine(dir, "lost.vhd")],
            ["export", a, b, "--lv", lost, "--format", "raw", "-o", Path.Combine(dir, "lost.raw"), "--json"],
            ["serve", a, b, "--lv", lost, "--socket", Path.Combine(dir, "lost.sock")],
            ["list", a, b],
            ["list", a, b, "--json"],
            ["doctor", a, b, "--output-dir", Path.Combine(dir, "doctor")],
            ["doctor", a, b, "--output-dir", Path.Combine(dir, "doctor2"), "--json"],
            ["carve", a, b, "-o", Path.Combine(dir, "carved")],
            ["partitions", a, "--find", "--write-table", Path.Combine(dir, "table.bin")],
            ["partitions", b, "--find", "--json"],
        };
        foreach (var args in runs)
        {
            var r = Support.Cli.Run(args);
            Assert.True(r.ExitCode is 0 or 1, $"{string.Join(' ', args)}: exit {r.ExitCode} {r.Err}");
        }

        var after = (ExportWithQemuImgTests.Sha256(a), ExportWithQemuImgTests.Sha256(b), File.GetLastWriteTimeUtc(a), File.GetLastWriteTimeUtc(b));
        Assert.Equal(before, after);
    }

    [Fact]
    public void Every_command_leaves_a_qcow2_sr_byte_identical()
    {
        // The QCOW2 chains are read through their backing LVs, the deleted VDI through an older copy.
        var a = Fixtures.CopyOfImage("qcow2_sr");
        var before = (ExportWithQemuImgTests.Sha256(a), File.GetLastWriteTimeUtc(a));
        var expected = Fixtures.Expected("qcow2_sr");
        var lost = expected.GetProperty("lost")[0].GetString()!;
        var removedIn = expected.GetProperty("lost_removed_in_seqno").GetInt64();
        var leaf = expected.GetProperty("vdis").EnumerateArray().First(v => v.GetProperty("parent").GetString() is not null && v.GetProperty("kind").GetString() == "qcow2");
        var dir = Fixtures.NewTempDir();
        var last = (removedIn - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var runs = new[]
        {
            new[] { "scan", a, "--json" },
            ["history", a],
            ["list", a],
            ["show-metadata", a, "--seqno", last],
            ["restore-metadata", a, "--seqno", last, "-o", Path.Combine(dir, "r.vg")],
            ["export", a, "--vdi", leaf.GetProperty("uuid").GetString()!, "-o", Path.Combine(dir, "leaf.vhd")],
            ["export", a, "--vdi", leaf.GetProperty("uuid").GetString()!, "--format", "raw", "-o", Path.Combine(dir, "leaf.raw")],
            ["export", a, "--vdi", lost, "--seqno", last, "-o", Path.Combine(dir, "lost.vhd"), "--json"],
            ["export", a, "--lv", leaf.GetProperty("lv").GetString()!, "-o", Path.Combine(dir, "leaf.lv")],
            ["doctor", a, "--output-dir", Path.Combine(dir, "doctor")],
            ["carve", a, "-o", Path.Combine(dir, "carved")],
        };
        foreach (var args in runs)
        {
            var r = Support.Cli.Run(args);
            Assert.True(r.ExitCode is 0 or 1, $"{string.Join(' ', args)}: exit {r.ExitCode} {r.Err}");
        }

        Assert.Equal(before, (ExportWithQemuImgTests.Sha256(a), File.GetLastWriteTimeUtc(a)));
    }

    [Fact]
    public void Every_qcow2_command_leaves_the_qcow2_files_byte_identical()
    {
        // A child with its backing file beside it: info and convert read both.
        var dir = VhdFiles.Extract("qcow2_files", "child.qcow2.gz", "base.qcow2.gz");
        var files = new[] { "child.qcow2", "base.qcow2" }.Select(f => Path.Combine(dir, f)).ToArray();
        var before = files.Select(f => (ExportWithQemuImgTests.Sha256(f), File.GetLastWriteTimeUtc(f))).ToList();
        var output = Fixtures.NewTempDir();
        var n = 0;
        foreach (var file in files)
        {
            foreach (var args in new[]
            {
                new[] { "qcow2", "info", file },
                ["qcow2", "check", file, "--json"],
                ["qcow2", "convert", file, "-o", Path.Combine(output, $"{n}.raw"), "--format", "raw"],
                ["qcow2", "convert", file, "-o", Path.Combine(output, $"{n}.vhd"), "--format", "vhd", "--json"],
                ["doctor", file, "--output-dir", Path.Combine(output, $"doctor{n}")],
            })
            {
                var r = Support.Cli.Run(args);
                Assert.True(r.ExitCode is 0 or 1, $"{string.Join(' ', args)}: exit {r.ExitCode} {r.Err}");
            }

            n++;
        }

        Assert.Equal(before, files.Select(f => (ExportWithQemuImgTests.Sha256(f), File.GetLastWriteTimeUtc(f))).ToList());
    }

    [Fact]
    public void Every_vhd_command_leaves_the_vhd_files_byte_identical()
    {
        // A damaged child with its parent beside it: info, check, repair and convert all read both.
        var dir = VhdFiles.Extract("vhd_damaged", "c-bat-orphans.vhd.gz", "f-child.vhd.gz", "f-parent.vhd.gz");
        var files = new[] { "c-bat-orphans.vhd", "f-child.vhd", "f-parent.vhd" }.Select(f => Path.Combine(dir, f)).ToArray();
        var before = files.Select(f => (ExportWithQemuImgTests.Sha256(f), File.GetLastWriteTimeUtc(f))).ToList();
        var output = Fixtures.NewTempDir();
        var n = 0;
        foreach (var file in files)
        {
            foreach (var args in new[]
            {
                new[] { "vhd", "info", file },
                ["vhd", "check", file, "--bitmaps", "--json"],
                ["vhd", "repair", file, "-o", Path.Combine(output, $"{n}.repaired.vhd")],
                ["vhd", "convert", file, "-o", Path.Combine(output, $"{n}.raw"), "--format", "raw", "--allow-missing-parent"],
                ["vhd", "convert", file, "-o", Path.Combine(output, $"{n}.vhd"), "--format", "vhd", "--allow-missing-parent"],
                ["doctor", file, "--output-dir", Path.Combine(output, $"doctor{n}")],
            })
            {
                var r = Support.Cli.Run(args);
                Assert.True(r.ExitCode is 0 or 1, $"{string.Join(' ', args)}: exit {r.ExitCode} {r.Err}");
            }

            n++;
        }

        Assert.Equal(before, files.Select(f => (ExportWithQemuImgTests.Sha256(f), File.GetLastWriteTimeUtc(f))).ToList());
    }

    [Fact]
    public void Output_over_a_source_is_refused()
    {
        var a = Fixtures.CopyOfImage("lost_vdi");
        var r = Support.Cli.Run("export", a, "--lv", "MGT", "-o", a, "--force");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is one of the sources", r.Err);
    }

    [Fact]
    public void An_existing_output_is_not_overwritten_without_force()
    {
        var a = Fixtures.Image("lost_vdi");
        var existing = Path.Combine(Fixtures.NewTempDir(), "exists.bin");
        File.WriteAllText(existing, "keep me");
        var r = Support.Cli.Run("export", a, "--lv", "MGT", "-o", existing);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }
}
