using System.Security.Cryptography;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Partitions;

/// <summary>
/// gpt_local_sr (both GPT copies zeroed): the PV is found, the proposed table gives partition 3
/// back exactly, and the table written and applied to a copy is what sgdisk and lvm2 accept.
/// </summary>
public sealed class GptLocalSrTests
{
    [Fact]
    public void Find_locates_the_pv_and_proposes_the_original_sr_partition()
    {
        var expected = Fixtures.Expected("gpt_local_sr");
        var image = Fixtures.Image("gpt_local_sr");
        var json = Support.Cli.Json("partitions", image, "--find");
        Assert.Equal("srrescue.partitions/1", json.GetProperty("schema").GetString());
        Assert.Equal("none", json.GetProperty("kind").GetString());
        var pv = Assert.Single(json.GetProperty("pvs").EnumerateArray());
        Assert.Equal(expected.GetProperty("pv_offsets").GetProperty("disk.img").GetInt64(), pv.GetProperty("pv_offset").GetInt64());
        Assert.Equal(expected.GetProperty("pvs")[0].GetProperty("pv_uuid").GetString(), pv.GetProperty("pv_uuid").GetString());

        var proposed = json.GetProperty("proposed");
        Assert.Equal("gpt-minimal", proposed.GetProperty("kind").GetString());
        var srNumber = expected.GetProperty("sr_partition").GetInt32();
        var original = expected.GetProperty("partitions").EnumerateArray().Single(p => p.GetProperty("number").GetInt32() == srNumber);
        var ours = Assert.Single(proposed.GetProperty("partitions").EnumerateArray());
        Assert.Equal(srNumber, ours.GetProperty("number").GetInt32());
        Assert.Equal(original.GetProperty("first_lba").GetInt64(), ours.GetProperty("first_lba").GetInt64());
        Assert.Equal(original.GetProperty("last_lba").GetInt64(), ours.GetProperty("last_lba").GetInt64());
        Assert.Equal(original.GetProperty("type_guid").GetString(), ours.GetProperty("type_guid").GetString());

        // Without --find nothing is searched, and nothing is proposed.
        var quick = Support.Cli.Json("partitions", image);
        Assert.Empty(quick.GetProperty("pvs").EnumerateArray());
    }

    [Fact]
    public void Written_table_applied_with_the_printed_dd_commands_makes_sgdisk_and_pvs_happy()
    {
        var expected = Fixtures.Expected("gpt_local_sr");
        var image = Fixtures.Image("gpt_local_sr");
        var before = Sha256(image);
        var table = Path.Combine(Fixtures.NewTempDir(), "table.bin");
        Assert.Equal(1, Support.Cli.Run("partitions", image, "--find").ExitCode);
        var r = Support.Cli.Run("partitions", image, "--find", "--write-table", table);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.True(File.Exists(table));
        Assert.Equal(before, Sha256(image));

        // A second run refuses to overwrite the table file.
        Assert.Equal(2, Support.Cli.Run("partitions", image, "--find", "--write-table", table).ExitCode);

        var copy = Fixtures.CopyOfImage("gpt_local_sr");
        var dds = r.Out.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("dd ", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, dds.Count);
        foreach (var dd in dds)
        {
            var args = dd.Replace("DEVICE", copy, StringComparison.Ordinal).Split(' ')[1..];
            ExternalTool.RunChecked(ExternalTool.Require("dd", "coreutils"), args);
        }

        var verify = PartitionTools.Sgdisk("-v", copy);
        Assert.Contains("No problems found", verify, StringComparison.Ordinal);
        var (rows, _, _) = PartitionTools.SgdiskPrint(copy);
        var sr = Assert.Single(rows);
        Assert.Equal((3, 100352L, 1048542L, "8E00"), (sr.Number, sr.First, sr.Last, sr.Code));

        var loop = ExternalTool.RunChecked(ExternalTool.Require("losetup", "mount"), "-r", "-f", "--show",
            "-o", (sr.First * 512).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--sizelimit", ((sr.Last - sr.First + 1) * 512).ToString(System.Globalization.CultureInfo.InvariantCulture), copy).StdOut.Trim();
        try
        {
            var pvs = Lvm2.Run("pvs", [loop], "--noheadings", "-o", "pv_name,vg_name,pv_uuid");
            Assert.True(pvs.ExitCode == 0, pvs.All);
            Assert.Contains(expected.GetProperty("vg").GetString()!, pvs.StdOut, StringComparison.Ordinal);
            Assert.Contains(expected.GetProperty("pvs")[0].GetProperty("pv_uuid").GetString()!, pvs.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            ExternalTool.Run("losetup", ["-d", loop]);
        }
    }

    [Fact]
    public void In_place_write_then_undo_gives_back_the_identical_image()
    {
        var copy = Fixtures.CopyOfImage("gpt_local_sr");
        var before = Sha256(copy);
        var journal = Path.Combine(Fixtures.NewTempDir(), "table.undo");
        var r = Support.Cli.Run("partitions", copy, "--find", "--in-place", "--journal", journal);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.True(File.Exists(journal));
        Assert.NotEqual(before, Sha256(copy));
        Assert.Contains("No problems found", PartitionTools.Sgdisk("-v", copy), StringComparison.Ordinal);

        var after = Support.Cli.Json("partitions", copy);
        Assert.Equal("gpt", after.GetProperty("kind").GetString());
        Assert.Equal("intact", after.GetProperty("proposed").GetProperty("kind").GetString());
        Assert.Equal(3, Assert.Single(after.GetProperty("pvs").EnumerateArray()).GetProperty("partition").GetInt32());

        var u = Support.Cli.Run("undo", journal);
        Assert.True(u.ExitCode == 0, u.Out + u.Err);
        Assert.Equal(before, Sha256(copy));
    }

    [Fact]
    public void Undo_after_the_disk_changed_is_refused_unless_forced()
    {
        // Issue 15 item 6: undo used to put the old bytes back over whatever was written since.
        var copy = Fixtures.CopyOfImage("gpt_local_sr");
        var before = Sha256(copy);
        var journal = Path.Combine(Fixtures.NewTempDir(), "table.undo");
        Assert.Equal(0, Support.Cli.Run("partitions", copy, "--find", "--in-place", "--journal", journal).ExitCode);
        var record = SrRescue.Io.PatchFile.Read(journal).Records[0];
        using (var f = new FileStream(copy, FileMode.Open, FileAccess.ReadWrite))
        {
            f.Position = record.OffsetBytes + 17; // someone wrote to a sector of the new table since
            var b = f.ReadByte();
            f.Position = record.OffsetBytes + 17;
            f.WriteByte((byte)(b ^ 0x5A));
        }

        var changed = Sha256(copy);
        var refused = Support.Cli.Run("undo", journal);
        Assert.True(refused.ExitCode == 1, refused.Out + refused.Err);
        Assert.Contains("undo.disk-changed", refused.Err);
        Assert.Contains("--force", refused.Err);
        Assert.Equal(changed, Sha256(copy));

        var forced = Support.Cli.Run("undo", journal, "--force");
        Assert.True(forced.ExitCode == 0, forced.Out + forced.Err);
        Assert.Equal(before, Sha256(copy));

        // Undone once, the disk holds the old bytes: a second undo finds nothing changed and is harmless.
        Assert.Equal(0, Support.Cli.Run("undo", journal).ExitCode);
        Assert.Equal(before, Sha256(copy));
    }

    [Fact]
    public void Damaged_journal_is_refused_and_nothing_is_written()
    {
        var copy = Fixtures.CopyOfImage("gpt_local_sr");
        var journal = Path.Combine(Fixtures.NewTempDir(), "table.undo");
        Assert.Equal(0, Support.Cli.Run("partitions", copy, "--find", "--in-place", "--journal", journal).ExitCode);
        var written = Sha256(copy);
        var bytes = File.ReadAllBytes(journal);
        bytes[5000] ^= 0x01;
        File.WriteAllBytes(journal, bytes);
        Assert.Equal(1, Support.Cli.Run("undo", journal).ExitCode);
        Assert.Equal(written, Sha256(copy));
    }

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(f));
    }
}
