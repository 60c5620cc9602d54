using System.Text.Json;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Cli;

/// <summary>
/// Pins every field name of every command's JSON (issue 11: the reports become typed records, and
/// the names must stay as they are). Each command runs on a fixture; the set of paths in its
/// document (<c>findings[].code</c>) must equal the pinned list in <c>Cli/JsonShapes</c>. A field
/// added on purpose is added to the list (SRRESCUE_WRITE_SHAPES=1 rewrites the lists).
/// </summary>
public sealed class JsonShapeTests
{
    private const string Snapshot = "snapshot_chain";
    private const string DeletedSnapshot = "0d0614ea-9abd-4e26-8b6e-ddc7a2e19385";

    public static TheoryData<string> Commands => new()
    {
        "scan", "list", "history", "show-metadata", "diff", "restore-metadata", "export-lv", "export-vdi", "partitions",
        "carve", "doctor", "vhd-info", "vhd-check", "vhd-repair", "vhd-convert", "qcow2-info", "qcow2-check", "qcow2-convert", "undo", "scan-qcow2", "export-qcow2",
        "plan-dom0",
        "serve-vdi", "serve-file",
    };

    private static string[] Args(string name, string dir)
    {
        var disk = Fixtures.Image(Snapshot);
        string Out(string file) => Path.Combine(dir, file);
        string Vhd(string file) => Path.Combine(VhdFiles.Extract("vhd_damaged", file + ".gz"), file);
        string Qcow2(string file) => Path.Combine(VhdFiles.Extract("qcow2_files", "child.qcow2.gz", "base.qcow2.gz"), file);
        return name switch
        {
            "scan" or "list" or "history" => [name, disk],
            "show-metadata" => [name, disk, "--seqno", "27"],
            "diff" => [name, disk, "--from", "20", "--to", "27"],
            "restore-metadata" => [name, disk, "--seqno", "26", "-o", Out("restore.vg")],
            "export-lv" => ["export", disk, "--lv", "MGT", "-o", Out("mgt.bin")],
            "export-vdi" => ["export", disk, "--vdi", DeletedSnapshot, "-o", Out("vdi.vhd")],
            "partitions" => [name, Fixtures.Image("gpt_local_sr")],
            "carve" => [name, Fixtures.Image("sr_recreated"), "-o", Out("carved")],
            "doctor" => [name, disk, "--output-dir", Out("doctor")],
            "vhd-info" => ["vhd", "info", Vhd("c-bat-orphans.vhd")],
            "vhd-check" => ["vhd", "check", Vhd("c-bat-orphans.vhd"), "--bitmaps"],
            "vhd-repair" => ["vhd", "repair", Vhd("c-bat-orphans.vhd"), "-o", Out("repaired.vhd")],
            "vhd-convert" => ["vhd", "convert", Path.Combine(VhdFiles.Extract("vhd_damaged", "f-child.vhd.gz", "f-parent.vhd.gz"), "f-child.vhd"), "-o", Out("child.raw"), "--format", "raw"],
            "qcow2-info" => ["qcow2", "info", Qcow2("child.qcow2")],
            "qcow2-check" => ["qcow2", "check", Qcow2("base.qcow2")],
            "qcow2-convert" => ["qcow2", "convert", Qcow2("child.qcow2"), "-o", Out("child.vhd"), "--format", "vhd"],
            "undo" => [name, Journals.OfPartitionsInPlace("gpt_local_sr")],
            "plan-dom0" => ["plan", "dom0", "--device", disk, "-o", Out("step1.sh")],
            // The QCOW2 SR: scan's qcow2 object, a QCOW2 chain over a raw base exported.
            "scan-qcow2" => ["scan", Fixtures.Image("qcow2_sr")],
            "export-qcow2" => ["export", Fixtures.Image("qcow2_sr"), "--vdi", "f6e5b8a7-9ea3-41b2-cd34-5e6f708192a3", "-o", Out("qcow2.vhd")],
            "serve-vdi" => ["serve", disk, "--vdi", DeletedSnapshot, "--socket", Out("vdi.sock")],
            "serve-file" => ["serve", Qcow2("child.qcow2"), "--socket", Out("file.sock")],
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    internal static void Collect(JsonElement e, string path, SortedSet<string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    var child = path.Length == 0 ? p.Name : $"{path}.{p.Name}";
                    into.Add(child);
                    Collect(p.Value, child, into);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Collect(item, path + "[]", into);
                }

                break;
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Every_field_name_stays(string command)
    {
        var r = Support.Cli.Run([.. Args(command, Fixtures.NewTempDir()), "--json"]);
        Assert.True(r.ExitCode is 0 or 1, $"exit {r.ExitCode}: {r.Err}");
        using var doc = JsonDocument.Parse(r.Out);
        Assert.False(doc.RootElement.TryGetProperty("error", out _), r.Out);
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        Collect(doc.RootElement, "", paths);
        var pinned = Path.Combine(RepoPaths.Tests, "Cli", "JsonShapes", command + ".txt");
        if (Environment.GetEnvironmentVariable("SRRESCUE_WRITE_SHAPES") == "1")
        {
            File.WriteAllLines(pinned, paths);
        }

        var expected = File.ReadAllLines(pinned).Where(l => l.Length > 0).ToList();
        Assert.True(paths.Count > 3, string.Join(", ", paths));
        var missing = expected.Except(paths).ToList();
        var added = paths.Except(expected).ToList();
        Assert.True(missing.Count == 0 && added.Count == 0, $"{command}: missing {string.Join(", ", missing)}; not pinned {string.Join(", ", added)}");
    }
}
