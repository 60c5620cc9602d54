using System.Security.Cryptography;
using SrRescue.Tests.Support;
using SrRescue.Tests.Vhd;

namespace SrRescue.Tests.Cli;

/// <summary>`vhd check` and `vhd repair` on the command line: exit codes, JSON fields, files written, sources untouched.</summary>
public sealed class VhdCheckRepairCliTests
{
    private static string Hash(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    [Theory]
    [InlineData("a-footer-c7", "vhd.footer.killed")]
    [InlineData("b-header-checksum", "vhd.header.max-table-entries")]
    [InlineData("c-bat-orphans", "vhd.batmap.unallocated-full")]
    [InlineData("d-batmap-checksum", "vhd.batmap.checksum")]
    [InlineData("e-backup-footer-zeroed", "vhd.footer.cookie")]
    [InlineData("f-child", "vhd.chain.parent-missing")]
    public void Check_exits_1_and_names_the_damage(string name, string code)
    {
        var dir = DamagedVhds.Extract(name + ".vhd.gz");
        var path = Path.Combine(dir, name + ".vhd");
        var r = Support.Cli.Run("vhd", "check", path, "--json");
        Assert.Equal(1, r.ExitCode);
        var j = r.Json();
        Assert.Equal("srrescue.vhd-check/1", j.GetProperty("schema").GetString());
        Assert.False(j.GetProperty("clean").GetBoolean());
        Assert.Contains(j.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == code);

        var text = Support.Cli.Run("vhd", "check", path);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains(code, text.Out, StringComparison.Ordinal);
        Assert.Contains("vhd repair", text.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_of_a_good_file_exits_0_and_finds_the_parent_beside_it()
    {
        var dir = DamagedVhds.Extract("f-child.orig.vhd.gz", "f-parent.vhd.gz");
        var r = Support.Cli.Run("vhd", "check", Path.Combine(dir, "f-child.orig.vhd"), "--json", "--bitmaps");
        Assert.Equal(0, r.ExitCode);
        var j = r.Json();
        Assert.True(j.GetProperty("clean").GetBoolean());
        Assert.True(j.GetProperty("bitmaps_checked").GetBoolean());
        Assert.Equal("differencing", j.GetProperty("disk_type").GetString());
        Assert.Equal(Path.Combine(dir, "f-parent.vhd"), j.GetProperty("parent").GetProperty("found_at").GetString());
        Assert.Contains("no problems", Support.Cli.Run("vhd", "check", Path.Combine(dir, "f-child.orig.vhd")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Repair_of_orphans_exits_1_reports_every_block_and_saves_the_unplaced_ones()
    {
        var dir = DamagedVhds.Extract("c-bat-orphans.vhd.gz");
        var source = Path.Combine(dir, "c-bat-orphans.vhd");
        var before = Hash(source);
        var output = Path.Combine(dir, "fixed.vhd");
        var r = Support.Cli.Run("vhd", "repair", source, "-o", output, "--json");
        Assert.Equal(1, r.ExitCode);
        var j = r.Json();
        Assert.Equal("srrescue.vhd-repair/1", j.GetProperty("schema").GetString());
        Assert.Equal(4, j.GetProperty("orphans_found").GetInt32());
        Assert.Equal(3, j.GetProperty("orphans_placed").GetInt32()); // block 12 proved, 11 and 13 inferred
        Assert.Equal(2, j.GetProperty("orphans").EnumerateArray().Count(o => o.GetProperty("inferred").GetBoolean()));
        Assert.False(j.GetProperty("all_recovered").GetBoolean());
        Assert.True(j.GetProperty("output_check").GetProperty("clean").GetBoolean());
        var unplaced = j.GetProperty("orphans").EnumerateArray().Where(o => o.GetProperty("placed_as_block").ValueKind == System.Text.Json.JsonValueKind.Null).ToList();
        Assert.Single(unplaced);
        foreach (var o in unplaced)
        {
            var saved = o.GetProperty("saved_as").GetString()!;
            Assert.Equal($"{output}.orphan-{o.GetProperty("bitmap_offset").GetInt64()}.bin", saved);
            Assert.Equal(2 << 20, new FileInfo(saved).Length);
            Assert.Equal(10, o.GetProperty("candidate_count").GetInt32()); // any free block but the full one
        }

        Assert.Equal(before, Hash(source));

        // Without --force an existing output is refused (I/O error), with it the repair runs again.
        var again = Support.Cli.Run("vhd", "repair", source, "-o", output);
        Assert.Equal(2, again.ExitCode);
        var forced = Support.Cli.Run("vhd", "repair", source, "-o", output, "--force");
        Assert.Equal(1, forced.ExitCode);
        Assert.Contains("PUT BACK    block 12", forced.Out, StringComparison.Ordinal);
        Assert.Contains("INFERRED    block 11", forced.Out, StringComparison.Ordinal);
        Assert.Contains("NOT PLACED", forced.Out, StringComparison.Ordinal);
        Assert.Contains("PARTIAL RECOVERY", forced.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Repair_that_recovers_everything_exits_0()
    {
        var dir = DamagedVhds.Extract("a-footer-c7.vhd.gz");
        var output = Path.Combine(dir, "fixed.vhd");
        var r = Support.Cli.Run("vhd", "repair", Path.Combine(dir, "a-footer-c7.vhd"), "-o", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("everything was recovered", r.Out, StringComparison.Ordinal);
        Assert.Equal(Hash(output), Convert.ToHexStringLower(SHA256.HashData(DamagedVhds.Bytes("a-footer-c7.orig.vhd"))));
    }

    [Fact]
    public void Repair_refuses_to_write_over_its_source_and_leaves_nothing_behind_when_it_cannot_start()
    {
        var dir = DamagedVhds.Extract("d-batmap-checksum.vhd.gz");
        var source = Path.Combine(dir, "d-batmap-checksum.vhd");
        Assert.Equal(2, Support.Cli.Run("vhd", "repair", source, "-o", source, "--force").ExitCode);

        var junk = Path.Combine(dir, "junk.vhd");
        File.WriteAllBytes(junk, new byte[1 << 16]);
        var output = Path.Combine(dir, "junk-fixed.vhd");
        var r = Support.Cli.Run("vhd", "repair", junk, "-o", output);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("vhd.no-footer", r.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
