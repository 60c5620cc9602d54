using SrRescue.Tests.Support;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// `qcow2 info` and `qcow2 convert` on the qcow2_files fixture (made by qemu-img and qemu-io, see
/// its make.sh): the facts qemu-img gives, and the bytes qemu-img convert -O raw gives.
/// </summary>
public sealed class Qcow2CliTests
{
    private static (string Dir, System.Text.Json.JsonElement Expected) Files() =>
        (VhdFiles.Extract("qcow2_files", "child.qcow2.gz", "base.qcow2.gz"), Fixtures.Expected("qcow2_files"));

    [Fact]
    public void Info_gives_the_header_and_the_backing_chain()
    {
        var (dir, expected) = Files();
        var r = Support.Cli.Run("qcow2", "info", Path.Combine(dir, "child.qcow2"), "--json");
        Assert.Equal(0, r.ExitCode);
        var json = r.Json();
        Assert.Equal(expected.GetProperty("virtual_size").GetInt64(), json.GetProperty("virtual_size").GetInt64());
        Assert.Equal(expected.GetProperty("cluster_size").GetInt64(), json.GetProperty("cluster_size").GetInt64());
        Assert.Equal("base.qcow2", json.GetProperty("backing_file").GetString());
        Assert.Equal("qcow2", json.GetProperty("backing_format").GetString());
        Assert.True(json.GetProperty("features").GetProperty("extended_l2").GetBoolean());
        Assert.Equal(2, json.GetProperty("chain").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("hidden").ValueKind);
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("vhd")]
    public void Convert_writes_the_bytes_qemu_reads(string format)
    {
        var (dir, expected) = Files();
        var output = Path.Combine(Fixtures.NewTempDir(), "out." + format);
        var r = Support.Cli.Run("qcow2", "convert", Path.Combine(dir, "child.qcow2"), "-o", output, "--format", format);
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var raw = format == "raw" ? output : output + ".raw";
        if (format == "vhd")
        {
            ExternalTool.RunChecked(QemuQcow2.Img, "convert", "-f", "vpc", "-O", "raw", output, raw);
        }

        var size = expected.GetProperty("virtual_size").GetInt64();
        using var f = SrRescue.Io.FileSource.Open(raw);
        Assert.Equal(expected.GetProperty("child").GetProperty("raw_sha256").GetString(), VhdFiles.Sha256(new SrRescue.Io.SubRangeSource(f, 0, size)));
    }

    [Fact]
    public void A_missing_backing_file_stops_convert_unless_allowed_and_then_names_the_ranges()
    {
        var dir = VhdFiles.Extract("qcow2_files", "child.qcow2.gz");
        var output = Path.Combine(Fixtures.NewTempDir(), "out.raw");
        var stopped = Support.Cli.Run("qcow2", "convert", Path.Combine(dir, "child.qcow2"), "-o", output, "--format", "raw");
        Assert.Equal(1, stopped.ExitCode);
        Assert.Contains("base.qcow2", stopped.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        var allowed = Support.Cli.Run("qcow2", "convert", Path.Combine(dir, "child.qcow2"), "-o", output, "--format", "raw", "--allow-missing-backing", "--json");
        Assert.Equal(1, allowed.ExitCode);
        var json = allowed.Json();
        Assert.False(json.GetProperty("complete").GetBoolean());
        // The child holds 1 MiB + 192 KiB, 4 KiB twice and a zeroed 64 KiB cluster; the rest of 16 MiB came from the base.
        var missing = json.GetProperty("missing_bytes").GetInt64();
        Assert.InRange(missing, (16L << 20) - (2L << 20), (16L << 20) - (192 << 10));
        Assert.True(json.GetProperty("missing_ranges").GetArrayLength() > 1);
    }

    [Fact]
    public void Check_gives_qemu_img_checks_numbers_and_exit_1_on_a_leak()
    {
        var (dir, _) = Files();
        var file = Path.Combine(dir, "base.qcow2");
        var clean = Support.Cli.Run("qcow2", "check", file, "--json");
        Assert.Equal(0, clean.ExitCode);
        var qemu = System.Text.Json.JsonDocument.Parse(ExternalTool.Run(QemuQcow2.Img, ["check", "--output=json", file]).StdOut).RootElement;
        var ours = clean.Json();
        Assert.Equal(qemu.GetProperty("allocated-clusters").GetInt64(), ours.GetProperty("allocated_clusters").GetInt64());
        Assert.Equal(qemu.GetProperty("compressed-clusters").GetInt64(), ours.GetProperty("compressed_clusters").GetInt64());
        Assert.Equal(qemu.GetProperty("image-end-offset").GetInt64(), ours.GetProperty("image_end_offset").GetInt64());

        // One more reference counted for the header cluster than there is: qemu-img check calls it a leak (exit 3).
        var leaky = Path.Combine(Fixtures.NewTempDir(), "leaky.qcow2");
        File.Copy(file, leaky);
        using (var f = new FileStream(leaky, FileMode.Open, FileAccess.ReadWrite))
        {
            var header = new byte[72];
            f.ReadExactly(header);
            var refcountTable = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(48));
            var entry = new byte[8];
            f.Position = refcountTable;
            f.ReadExactly(entry);
            f.Position = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(entry);
            f.Write([0, 2]);
        }

        var qemuLeaky = ExternalTool.Run(QemuQcow2.Img, ["check", "--output=json", leaky]);
        Assert.Equal(3, qemuLeaky.ExitCode);
        var damaged = Support.Cli.Run("qcow2", "check", leaky, "--json");
        Assert.Equal(1, damaged.ExitCode);
        Assert.Equal(System.Text.Json.JsonDocument.Parse(qemuLeaky.StdOut).RootElement.GetProperty("leaks").GetInt64(), damaged.Json().GetProperty("leaks").GetInt64());
        Assert.Contains("leaked", Support.Cli.Run("qcow2", "check", leaky).Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Vhd_info_on_a_qcow2_points_at_the_qcow2_commands()
    {
        var (dir, _) = Files();
        var r = Support.Cli.Run("vhd", "info", Path.Combine(dir, "base.qcow2"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("qcow2", r.Out + r.Err, StringComparison.OrdinalIgnoreCase);
    }
}
