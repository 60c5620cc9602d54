using System.Text.Json;
using SrRescue.Tests.Cli;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Nbd;

/// <summary>
/// `serve` read by the real NBD clients (libnbd's nbdinfo and nbdcopy, qemu-img, qemu-nbd,
/// qemu-io): what they read has the hashes blktap and qemu-img computed when the fixtures were
/// made, the allocation nbdinfo maps is the one qemu-img maps from the image itself, and writes fail.
/// </summary>
public sealed class ServeRealClientTests
{
    private const string Chain = "snapshot_chain";

    public static TheoryData<string> ChainVdis()
    {
        var data = new TheoryData<string>();
        foreach (var vdi in Fixtures.Expected(Chain).GetProperty("vdis").EnumerateArray())
        {
            data.Add(vdi.GetProperty("uuid").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ChainVdis))]
    public void A_vdi_reads_back_through_qemu_img_with_the_libvhd_hash(string uuid)
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var nbdinfo = ExternalTool.Require("nbdinfo", "libnbd-bin");
        var vdi = Vdi(Chain, uuid);
        using var served = ServedNbd.Start("serve", Fixtures.Image(Chain), "--vdi", uuid);
        using var info = JsonDocument.Parse(ExternalTool.RunChecked(nbdinfo, "--json", served.Uri).StdOut);
        var export = info.RootElement.GetProperty("exports")[0];
        Assert.Equal(vdi.GetProperty("virtual_size").GetInt64(), export.GetProperty("export-size").GetInt64());
        Assert.True(export.GetProperty("is_read_only").GetBoolean());
        Assert.Equal(uuid, export.GetProperty("export-name").GetString());

        var raw = Path.Combine(Fixtures.NewTempDir(), "disk.raw");
        ExternalTool.RunChecked(qemu, "convert", "-f", "raw", "-O", "raw", served.Uri, raw);
        Assert.Equal(vdi.GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));

        var r = served.Stop();
        Assert.True(r.ExitCode == 0, r.Out + r.Err);
        Assert.Contains(served.Uri, r.Err);
        Assert.Contains("qemu-img convert", r.Err);
    }

    [Fact]
    public void A_qcow2_file_serves_its_backing_chain_and_nbdinfo_maps_the_holes_qemu_img_maps()
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var dir = VhdFiles.Extract("qcow2_files", "child.qcow2.gz", "base.qcow2.gz");
        var child = Path.Combine(dir, "child.qcow2");
        using var served = ServedNbd.Start("serve", child, "--json");
        Assert.Equal(QemuHoles(qemu, "qcow2", child), NbdHoles(served.Uri));
        var raw = Path.Combine(dir, "child.raw");
        ExternalTool.RunChecked(ExternalTool.Require("nbdcopy", "libnbd-bin"), served.Uri, raw);
        var expected = Fixtures.Expected("qcow2_files").GetProperty("child").GetProperty("raw_sha256").GetString();
        Assert.Equal(expected, ExportWithQemuImgTests.Sha256(raw));

        var report = served.Stop().Json();
        Assert.Equal("srrescue.serve/1", report.GetProperty("schema").GetString());
        Assert.Equal("qcow2-file", report.GetProperty("kind").GetString());
        Assert.Equal(2, report.GetProperty("chain").GetArrayLength());
        Assert.True(report.GetProperty("holes_known").GetBoolean());
        Assert.True(report.GetProperty("requests").GetInt64() > 0);
    }

    [Theory]
    [InlineData("bcb0ff68-a527-42e4-85de-685d1b360662")]
    [InlineData("0d0614ea-9abd-4e26-8b6e-ddc7a2e19385")]
    public void A_vhd_file_serves_its_chain_with_the_libvhd_hash(string uuid)
    {
        var files = Fixtures.Expected(Chain).GetProperty("vhd_files").EnumerateObject().Select(p => p.Name).ToArray();
        var dir = VhdFiles.Extract(Chain, files);
        var file = Path.Combine(dir, uuid + ".vhd");
        using var served = ServedNbd.Start("serve", file);
        if (Vdi(Chain, uuid).GetProperty("parent").ValueKind == JsonValueKind.Null)
        {
            // qemu reads a dynamic VHD's BAT itself (not a differencing one's parent): the same holes.
            Assert.Equal(QemuHoles(ExternalTool.Require("qemu-img", "qemu-utils"), "vpc", file), NbdHoles(served.Uri));
        }

        var raw = Path.Combine(dir, "disk.raw");
        ExternalTool.RunChecked(ExternalTool.Require("nbdcopy", "libnbd-bin"), served.Uri, raw);
        Assert.Equal(Vdi(Chain, uuid).GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
    }

    [Fact]
    public async Task Eight_clients_at_once_all_read_the_same_disk()
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        var nbdcopy = ExternalTool.Require("nbdcopy", "libnbd-bin");
        const string uuid = "0d0614ea-9abd-4e26-8b6e-ddc7a2e19385";
        using var served = ServedNbd.Start("serve", Fixtures.Image(Chain), "--vdi", uuid);
        var dir = Fixtures.NewTempDir();
        var runs = Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            var raw = Path.Combine(dir, $"copy{i}.raw");
            if (i % 2 == 0)
            {
                ExternalTool.RunChecked(nbdcopy, served.Uri, raw);
            }
            else
            {
                ExternalTool.RunChecked(qemu, "convert", "-f", "raw", "-O", "raw", served.Uri, raw);
            }

            return ExportWithQemuImgTests.Sha256(raw);
        })).ToArray();
        var hashes = await Task.WhenAll(runs).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.All(hashes, h => Assert.Equal(Vdi(Chain, uuid).GetProperty("raw_sha256").GetString(), h));
        var r = served.Stop();
        Assert.Equal(0, r.ExitCode);
    }

    [Fact]
    public void An_lv_is_served_as_the_bytes_its_segments_map_on_the_disk()
    {
        var nbdcopy = ExternalTool.Require("nbdcopy", "libnbd-bin");
        var expected = Fixtures.Expected(Chain);
        var lv = expected.GetProperty("vdis").EnumerateArray().First(v => v.GetProperty("segments").GetArrayLength() > 1);
        var image = Fixtures.Image(Chain);
        using var served = ServedNbd.Start("serve", image, "--lv", lv.GetProperty("lv").GetString()!);
        var raw = Path.Combine(Fixtures.NewTempDir(), "lv.bin");
        ExternalTool.RunChecked(nbdcopy, served.Uri, raw);

        // The LV read by hand from the extents lvm2 gave it, as expected.json lists them.
        var extent = expected.GetProperty("extent_size").GetInt64();
        using var disk = File.OpenRead(image);
        using var want = new MemoryStream();
        foreach (var segment in lv.GetProperty("segments").EnumerateArray())
        {
            var bytes = new byte[segment.GetProperty("count").GetInt64() * extent];
            disk.Position = segment.GetProperty("byte_offset").GetInt64();
            disk.ReadExactly(bytes);
            want.Write(bytes);
        }

        Assert.Equal(lv.GetProperty("lv_size").GetInt64(), new FileInfo(raw).Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(want.ToArray())), ExportWithQemuImgTests.Sha256(raw));
    }

    [Fact]
    public void A_carved_vdi_is_served_from_memory_with_the_libvhd_hash()
    {
        var qemu = ExternalTool.Require("qemu-img", "qemu-utils");
        const string scenario = "sr_recreated";
        const string uuid = "568870d3-5591-4eb9-a82e-570c302dd6e2";
        using var served = ServedNbd.Start("serve", Fixtures.Image(scenario), "--carved", uuid);
        var raw = Path.Combine(Fixtures.NewTempDir(), "carved.raw");
        ExternalTool.RunChecked(qemu, "convert", "-f", "raw", "-O", "raw", served.Uri, raw);
        Assert.Equal(Vdi(scenario, uuid).GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
    }

    [Fact]
    public void Qemu_nbd_opens_the_uri_the_readme_gives_it_and_qemu_io_cannot_write()
    {
        var qemuNbd = ExternalTool.Require("qemu-nbd", "qemu-utils");
        var qemuIo = ExternalTool.Require("qemu-io", "qemu-utils");
        const string uuid = "bcb0ff68-a527-42e4-85de-685d1b360662";
        using var served = ServedNbd.Start("serve", Fixtures.Image(Chain), "--vdi", uuid);

        // The README's `qemu-nbd --read-only --format=raw --connect=/dev/nbd0 URI`, with a socket
        // instead of /dev/nbd0 (no nbd module here): qemu-nbd opens our URI and serves it on.
        var relay = Path.Combine(Fixtures.NewTempDir(), "relay.sock");
        using var relayProcess = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(qemuNbd)
        {
            ArgumentList = { "--read-only", "--format=raw", "--socket", relay, "--persistent", served.Uri },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            for (var i = 0; i < 200 && !File.Exists(relay); i++)
            {
                Thread.Sleep(50);
            }

            var raw = Path.Combine(Fixtures.NewTempDir(), "relayed.raw");
            ExternalTool.RunChecked(ExternalTool.Require("nbdcopy", "libnbd-bin"), $"nbd+unix:///?socket={relay}", raw);
            Assert.Equal(Vdi(Chain, uuid).GetProperty("raw_sha256").GetString(), ExportWithQemuImgTests.Sha256(raw));
        }
        finally
        {
            relayProcess.Kill();
            relayProcess.WaitForExit();
        }

        var write = ExternalTool.Run(qemuIo, ["-f", "raw", "-c", "write -P 0xab 0 4096", served.Uri]);
        var read = ExternalTool.RunChecked(qemuIo, "-r", "-f", "raw", "-c", "read -P 0 0 4096", served.Uri);
        Assert.True(write.ExitCode != 0 || write.All.Contains("read-only", StringComparison.OrdinalIgnoreCase) || write.All.Contains("not permitted", StringComparison.OrdinalIgnoreCase), write.All);
        Assert.DoesNotContain("Pattern verification failed", read.All);
    }

    private static JsonElement Vdi(string scenario, string uuid) =>
        Fixtures.Expected(scenario).GetProperty("vdis").EnumerateArray().Single(v => v.GetProperty("uuid").GetString() == uuid);

    /// <summary>The ranges `nbdinfo --map` reports as holes (base:allocation, hole and zero).</summary>
    private static List<(long, long)> NbdHoles(string uri)
    {
        var map = ExternalTool.RunChecked(ExternalTool.Require("nbdinfo", "libnbd-bin"), "--map", uri).StdOut;
        var extents = map.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (Start: long.Parse(f[0]), Length: long.Parse(f[1]), Hole: f[2] == "3"));
        return Merge(extents);
    }

    /// <summary>The ranges `qemu-img map` reports as holding no data, from the image's own tables.</summary>
    private static List<(long, long)> QemuHoles(string qemu, string format, string file)
    {
        using var map = JsonDocument.Parse(ExternalTool.RunChecked(qemu, "map", "--output=json", "-f", format, file).StdOut);
        return Merge(map.RootElement.EnumerateArray().Select(e =>
            (e.GetProperty("start").GetInt64(), e.GetProperty("length").GetInt64(), !e.GetProperty("data").GetBoolean())));
    }

    private static List<(long, long)> Merge(IEnumerable<(long Start, long Length, bool Hole)> extents)
    {
        var holes = new List<(long Start, long End)>();
        foreach (var (start, length, hole) in extents.Where(e => e.Hole))
        {
            if (holes.Count > 0 && holes[^1].End == start)
            {
                holes[^1] = (holes[^1].Start, start + length);
            }
            else
            {
                holes.Add((start, start + length));
            }
        }

        Assert.NotEmpty(holes);
        return holes;
    }
}
