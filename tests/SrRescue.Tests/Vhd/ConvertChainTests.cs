using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Tests.Support;
using SrRescue.Vhd;

namespace SrRescue.Tests.Vhd;

/// <summary>
/// `vhd convert` on every member of the snapshot_chain fixture (blktap VHDs; the raw_sha256 values
/// were computed by libvhd): raw output has the hash; VHD output reads back with the hash through
/// our reader and through qemu-img, qemu-img opens it, and vhdiinfo reports its size.
/// </summary>
public sealed class ConvertChainTests
{
    /// <summary>A leaf three deep: 5c3121e0 -> 06a8ff7d (hidden) -> bcb0ff68 (hidden base copy).</summary>
    private const string Leaf = "5c3121e0-51c0-4f27-8862-a0f470f22e66.vhd";

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var p in Fixtures.Expected("snapshot_chain").GetProperty("vhd_files").EnumerateObject())
        {
            data.Add(p.Name[..^3]);
        }

        return data;
    }

    /// <summary>The fixture's files, extracted once for the tests that only read them.</summary>
    private static readonly Lazy<string> Shared = new(ExtractAll);

    [Theory]
    [MemberData(nameof(Files))]
    public void Raw_output_has_the_chain_hash(string file)
    {
        var (dir, vdi) = (Shared.Value, Vdi(file));
        var output = Path.Combine(Fixtures.NewTempDir(), "out.raw");
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(dir, file), "-o", output, "--format", "raw", "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var json = r.Json();
        Assert.Equal("srrescue.vhd-convert/1", json.GetProperty("schema").GetString());
        Assert.True(json.GetProperty("complete").GetBoolean());
        Assert.Equal(0, json.GetProperty("missing_bytes").GetInt64());
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), new FileInfo(output).Length);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), QemuVpc.Sha256File(output));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Vhd_output_reads_back_everywhere_with_the_chain_hash(string file)
    {
        var (dir, vdi) = (Shared.Value, Vdi(file));
        var size = vdi.GetProperty("virtual_size").GetInt64();
        var sha = vdi.GetProperty("raw_sha256").GetString();
        var output = Path.Combine(Fixtures.NewTempDir(), "out.vhd");
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(dir, file), "-o", output, "--format", "vhd", "--json");
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        var vhd = r.Json().GetProperty("vhd");
        Assert.Equal(size / (2 << 20), vhd.GetProperty("block_count").GetInt32());

        // (a) our reader: one dynamic image, no findings, batmap valid.
        var (ours, ourSize, log) = QemuVpc.OurRead(output);
        Assert.Empty(log);
        Assert.Equal(size, ourSize);
        Assert.Equal(sha, ours);

        // (b) qemu-img reads the same disk, at the exact size (creator tap: current_size, not CHS).
        Assert.Equal(size, QemuVpc.VirtualSize(output));
        Assert.Equal(sha, QemuVpc.Sha256File(QemuVpc.ToRaw(output)));

        // (c) qemu-img check: vpc has no check of its own (exit 63 after a successful open);
        // opening validates the footer checksum, the BAT and that every block lies inside the file.
        var check = ExternalTool.Run(QemuVpc.Img, ["check", "-f", "vpc", output]);
        Assert.True(check.ExitCode is 0 or 63 && !check.All.Contains("Could not open", StringComparison.Ordinal), check.All);

        // (d) libvhdi.
        Assert.Equal(size, QemuVpc.VhdiinfoMediaSize(output));
    }

    [Fact]
    public void Converted_vhd_is_a_native_blktap_image()
    {
        var output = Path.Combine(Fixtures.NewTempDir(), "out.vhd");
        Assert.Equal(0, Support.Cli.Run("vhd", "convert", Path.Combine(Shared.Value, Leaf), "-o", output, "--format", "vhd").ExitCode);
        using var f = FileSource.Open(output);
        var log = new FindingLog();
        var image = VhdImage.Open(f, log);
        Assert.Equal("tap\0", image.Footer.CreatorApp);
        Assert.Equal(0x00010003u, image.Footer.CreatorVersion);
        Assert.Equal(image.Footer.Raw, image.BackupFooter!.Raw);
        Assert.True(image.BatmapValid);
        Assert.False(image.IsHidden);
        Assert.Equal(VhdGeometry.ForSize(image.Footer.CurrentSizeBytes), image.Footer.Geometry);
        for (var b = 0; b < image.Bat.Count; b++)
        {
            Assert.Equal(image.Bat[b] != VhdImage.Unallocated, image.BatmapSaysFull(b));
            Assert.True(image.Bat[b] == VhdImage.Unallocated || image.Bat[b] % 8 == 7, $"block {b} bitmap at sector {image.Bat[b]}");
        }

        // Every rule of `vhd-util check`, bitmaps against data included (-b).
        var check = new FindingLog();
        VhdChecker.Check(f, check, new VhdCheckOptions { CheckBitmaps = true });
        Assert.DoesNotContain(check, x => x.Severity != Severity.Info);
    }

    [Fact]
    public void Sources_stay_untouched_and_are_never_the_output()
    {
        var dir = ExtractAll();
        var before = Directory.EnumerateFiles(dir).ToDictionary(p => p, p => QemuVpc.Sha256File(p));
        var input = Path.Combine(dir, Leaf);
        var same = Support.Cli.Run("vhd", "convert", input, "-o", input, "--format", "raw", "--force");
        Assert.Equal(2, same.ExitCode);
        Assert.Contains("one of the sources", same.Err);
        var parent = Path.Combine(dir, "bcb0ff68-a527-42e4-85de-685d1b360662.vhd");
        var toParent = Support.Cli.Run("vhd", "convert", input, "-o", parent, "--format", "vhd", "--force");
        Assert.Equal(2, toParent.ExitCode);
        var existing = Path.Combine(dir, "exists.raw");
        File.WriteAllText(existing, "keep");
        Assert.Equal(2, Support.Cli.Run("vhd", "convert", input, "-o", existing, "--format", "raw").ExitCode);
        Assert.Equal("keep", File.ReadAllText(existing));
        File.Delete(existing);
        Assert.Equal(0, Support.Cli.Run("vhd", "convert", input, "-o", Path.Combine(dir, "ok.vhd"), "--format", "vhd").ExitCode);
        foreach (var (path, sha) in before)
        {
            Assert.Equal(sha, QemuVpc.Sha256File(path));
        }
    }

    [Fact]
    public void Bad_format_is_a_usage_error()
    {
        var output = Path.Combine(Fixtures.NewTempDir(), "x");
        var r = Support.Cli.Run("vhd", "convert", Path.Combine(Shared.Value, Leaf), "-o", output, "--format", "qcow2");
        Assert.Equal(2, r.ExitCode);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_disk_too_large_for_a_vhd_is_a_data_error_not_a_usage_error()
    {
        // A footer claiming 3 TiB (damage, or a disk from elsewhere): raw is possible, VHD is not.
        var dir = Fixtures.NewTempDir();
        var input = Path.Combine(dir, "big.vhd");
        using (var s = File.Create(input))
        {
            DynamicVhdWriter.Write(new MemorySource(new byte[1 << 20]), s);
        }

        VhdFooter footer;
        using (var f = FileSource.Open(input))
        {
            footer = VhdImage.Open(f, new FindingLog()).Footer;
        }

        var bytes = VhdFooter.Encode(footer with { CurrentSizeBytes = 3UL << 40 });
        using (var w = new FileStream(input, FileMode.Open, FileAccess.Write))
        {
            w.Write(bytes);
            w.Position = w.Length - VhdFooter.Size;
            w.Write(bytes);
        }

        var output = Path.Combine(dir, "out.vhd");
        var r = Support.Cli.Run("vhd", "convert", input, "-o", output, "--format", "vhd");
        // The command line is right; the data is what does not fit (issue 15 item 4): exit 1.
        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}: {r.Out}{r.Err}");
        // 3 TiB is more than a VHD holds and than this VHD's BAT covers: the size is named as damaged.
        Assert.Contains("more than a VHD holds", r.Err);
        Assert.False(File.Exists(output));
    }

    /// <summary>All the chain's files into a new folder (every member needs its parents beside it).</summary>
    private static string ExtractAll() =>
        VhdFiles.Extract("snapshot_chain", [.. Fixtures.Expected("snapshot_chain").GetProperty("vhd_files").EnumerateObject().Select(p => p.Name)]);

    private static System.Text.Json.JsonElement Vdi(string file)
    {
        var expected = Fixtures.Expected("snapshot_chain");
        var uuid = expected.GetProperty("vhd_files").GetProperty(file + ".gz").GetString();
        return expected.GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == uuid);
    }
}
