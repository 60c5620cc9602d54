using System.Text.Json;
using SrRescue.Recovery.Dom0;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Recovery.Dom0;

/// <summary>
/// One fixture through the dom0 path: read-only loop devices over its images, step 1 and step 2
/// run with a shell into a work directory, so the captures are what a user brings back.
/// </summary>
internal sealed class Dom0FixtureRun : IDisposable
{
    private readonly List<LoopDevice> _loops = [];

    public Dom0FixtureRun(string scenario, string shell, params string[] headOptions)
    {
        Scenario = scenario;
        Shell = shell;
        Expected = Fixtures.Expected(scenario);
        Images = [.. Expected.GetProperty("images").EnumerateArray().Select(i => Fixtures.Image(scenario, i.GetProperty("name").GetString()!))];
        try
        {
            foreach (var image in Images)
            {
                _loops.Add(LoopDevice.Attach(image, readOnly: true));
            }

            Dir = Fixtures.NewTempDir();
            Dom0 = Directory.CreateDirectory(Path.Combine(Dir, "dom0")).FullName;
            Plan("step1.sh", [.. _loops.SelectMany(l => new[] { "--device", l.Path }), .. headOptions]);
            Captures = [.. _loops.Select(l => Path.Combine(Dom0, Path.GetFileName(l.Path) + ".capture"))];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Scenario { get; }

    public string Shell { get; }

    public JsonElement Expected { get; }

    public IReadOnlyList<string> Images { get; }

    public IReadOnlyList<string> Devices => [.. _loops.Select(l => l.Path)];

    public string Dir { get; } = "";

    /// <summary>Where the scripts run (dom0's working directory).</summary>
    public string Dom0 { get; } = "";

    public IReadOnlyList<string> Captures { get; } = [];

    /// <summary>--lvm-backup FIXTURE/lvm-backup where the fixture has one (dom0's /etc/lvm/backup).</summary>
    public string[] Backup => Directory.Exists(Fixtures.PathOf(Scenario, "lvm-backup")) ? ["--lvm-backup", Fixtures.PathOf(Scenario, "lvm-backup")] : [];

    /// <summary>Writes a script with `srrescue plan dom0 ARGS -o DIR/NAME` and returns its JSON report.</summary>
    public JsonElement Plan(string name, params string[] args)
    {
        var r = Support.Cli.Run(["plan", "dom0", .. args, "-o", Path.Combine(Dir, name), "--json"]);
        Assert.True(r.ExitCode == 0, $"plan dom0 {string.Join(' ', args)} exited {r.ExitCode}: {r.Err}{r.Out}");
        return r.Json();
    }

    public ExternalTool.Result RunScript(string name, string? workDir = null, string? extraPath = null) =>
        Dom0Shell.RunChecked(Shell, Path.Combine(Dir, name), workDir ?? Dom0, extraPath);

    /// <summary>Steps 1 and 2: the captures as they come back from dom0.</summary>
    public void Capture()
    {
        RunScript("step1.sh");
        Plan("step2.sh", [.. Captures, .. Backup]);
        RunScript("step2.sh");
    }

    /// <summary>Bytes the scripts copied into the captures, from their manifests.</summary>
    public long CopiedBytes => Captures.Sum(c => CaptureManifest.Read(c).Ranges.Sum(r => r.LengthBytes));

    /// <summary>The VDIs the fixture says can be recovered: present ones, and deleted ones it lists as lost (intact).</summary>
    public IReadOnlyList<JsonElement> RecoverableVdis()
    {
        var lost = Expected.TryGetProperty("lost", out var l) ? l.EnumerateArray().Select(x => x.GetString()).ToHashSet() : [];
        return [.. Expected.GetProperty("vdis").EnumerateArray().Where(v => !v.GetProperty("deleted").GetBoolean() || lost.Contains(v.GetProperty("uuid").GetString()))];
    }

    public void Dispose()
    {
        foreach (var l in _loops)
        {
            l.Dispose();
        }
    }
}
