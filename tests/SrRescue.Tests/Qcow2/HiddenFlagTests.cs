using SrRescue.Diagnostics;
using SrRescue.Io;
using SrRescue.Qcow2;
using SrRescue.Tests.Support;
using static SrRescue.Tests.Qcow2.QemuQcow2;

namespace SrRescue.Tests.Qcow2;

/// <summary>
/// XCP-ng's hidden flag (sm qcow2util.py): an image SM made is hidden or not by its "vate"
/// extension, qemu-img still reads it as before (it ignores unknown extensions), and a snapshot's
/// backing file name, moved to make room, is still found.
/// </summary>
public sealed class HiddenFlagTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_vate_extension_gives_the_hidden_flag_and_qemu_still_reads_the_image(bool hidden)
    {
        var dir = Fixtures.NewTempDir();
        var raw = MakeRaw(dir, 20 * Mi);
        var parent = Path.Combine(dir, "QCOW2-11111111-2222-3333-4444-555555555555");
        var child = Path.Combine(dir, "QCOW2-66666666-2222-3333-4444-555555555555");
        ExternalTool.RunChecked(Img, "convert", "-q", "-f", "raw", "-O", "qcow2", raw, parent);
        ExternalTool.RunChecked(Img, "create", "-q", "-f", "qcow2", "-b", "/dev/VG_XenStorage-aaaaaaaa-2222-3333-4444-555555555555/" + Path.GetFileName(parent), "-F", "qcow2", "-u", child, "20M");
        XcpHiddenFlag.Set(parent, hidden);
        XcpHiddenFlag.Set(child, false);
        IoCommands(parent, "read 0 64k");
        Assert.Equal(0, ExternalTool.Run(Img, ["check", "-q", parent]).ExitCode);

        var log = new FindingLog();
        using (var f = FileSource.Open(parent))
        {
            var image = Qcow2Image.Open(f, log);
            Assert.Equal(hidden, image.IsHidden);
            Assert.Contains(image.Extensions, e => e.Type == Qcow2Extension.XcpHidden && e.Data.Length == 8);
        }

        var (ours, chain, chainLog) = OurRead(child);
        Assert.DoesNotContain(chainLog, f => f.Severity == Severity.Error);
        Assert.Equal("/dev/VG_XenStorage-aaaaaaaa-2222-3333-4444-555555555555/QCOW2-11111111-2222-3333-4444-555555555555", chain.Members[0].BackingFileName);
        Assert.False(chain.Members[0].IsHidden);
        Assert.Equal(hidden, chain.Members[1].IsHidden);
        Assert.Equal(Sha256File(raw), ours);

        var json = Support.Cli.Run("qcow2", "info", parent, "--json").Json();
        Assert.Equal(hidden, json.GetProperty("hidden").GetBoolean());
        var text = Support.Cli.Run("qcow2", "info", parent).Out;
        Assert.Contains(hidden ? "HIDDEN" : "not hidden", text, StringComparison.Ordinal);
    }
}
