using System.Security.Cryptography;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// A container image given as a SOURCE (issue 10, item 2): read as raw, a qcow2 of gpt_local_sr
/// looked like a disk with a destroyed GPT, and the doctor's plan wrote a partition table over the
/// qcow2 header. The containers are made by the real qemu-img from the fixture.
/// </summary>
public sealed class ContainerSourceTests
{
    public static TheoryData<string, string> Formats => new()
    {
        { "qcow2", "qcow2" },
        { "vmdk", "VMDK" },
        { "vhdx", "VHDX" },
        { "vdi", "VirtualBox VDI" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Doctor_says_what_the_file_is_and_plans_only_a_read_only_conversion(string format, string name)
    {
        var (image, container) = Make(format);
        var before = Sha256(container);

        var r = Support.Cli.Run("doctor", container, "--json");
        Assert.Equal(1, r.ExitCode);
        var json = r.Json();
        var fault = Assert.Single(json.GetProperty("faults").EnumerateArray());
        Assert.Equal("container-image", fault.GetProperty("kind").GetString());
        var plan = json.GetProperty("plan").EnumerateArray().ToList();
        Assert.All(plan, s => Assert.False(s.GetProperty("writes_to_disk").GetBoolean()));
        Assert.DoesNotContain(plan, s => s.GetProperty("command").GetString()!.Contains("partitions", StringComparison.Ordinal));
        var convert = plan[0].GetProperty("command").GetString()!;
        Assert.Contains(json.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "source.container"
            && f.GetProperty("message").GetString()!.Contains($"is a {name} image", StringComparison.Ordinal));

        // The plan's own conversion, run as planned (srrescue reads qcow2 itself, qemu-img the others), gives back the fixture's disk.
        var argv = plan[0].GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToList();
        var raw = Path.Combine(Fixtures.NewTempDir(), "converted.raw");
        if (format == "qcow2")
        {
            Assert.StartsWith($"srrescue qcow2 convert {container} -o ", convert);
            argv[argv.IndexOf("-o") + 1] = raw;
            var ours = Support.Cli.Run([.. argv.Skip(1)]);
            Assert.True(ours.ExitCode == 0, ours.Out + ours.Err);
        }
        else
        {
            Assert.StartsWith($"qemu-img convert -f {format} -O raw {container} ", convert);
            argv[^1] = raw;
            var ran = ExternalTool.Run("qemu-img", argv.Skip(1));
            Assert.True(ran.ExitCode == 0, ran.All);
        }

        Assert.Equal(Sha256(image), Sha256(raw));
        Assert.Equal(before, Sha256(container));
    }

    [Fact]
    public void Partitions_never_proposes_or_writes_a_table_on_a_container()
    {
        var (_, container) = Make("qcow2");
        var before = Sha256(container);
        var journal = Path.Combine(Fixtures.NewTempDir(), "undo.journal");
        var r = Support.Cli.Run("partitions", container, "--find", "--in-place", "--journal", journal);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is a qcow2 image, not a raw disk", r.Err);
        Assert.False(File.Exists(journal));
        Assert.Equal(before, Sha256(container));
    }

    [Fact]
    public void Scan_names_the_container_instead_of_searching_it_for_a_pv()
    {
        var (_, container) = Make("qcow2");
        var r = Support.Cli.Run("scan", container, "--json");
        Assert.Equal(1, r.ExitCode);
        var codes = r.Json().GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()).ToList();
        Assert.Contains("source.container", codes);
        Assert.DoesNotContain("lvm.pv.inside", codes);
    }

    private static (string Image, string Container) Make(string format)
    {
        var image = Fixtures.Image("gpt_local_sr");
        var container = Path.Combine(Fixtures.NewTempDir(), "disk." + format);
        var made = ExternalTool.Run("qemu-img", ["convert", "-f", "raw", "-O", format, image, container]);
        Assert.True(made.ExitCode == 0, made.All);
        return (image, container);
    }

    private static string Sha256(string path)
    {
        using var f = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }
}
