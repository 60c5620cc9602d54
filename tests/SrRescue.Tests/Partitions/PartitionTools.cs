using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using SrRescue.Tests.Support;

namespace SrRescue.Tests.Partitions;

/// <summary>Makes images with the real partitioning tools and reads back what they report.</summary>
internal static partial class PartitionTools
{
    public sealed record SgdiskRow(int Number, long First, long Last, string Code, string Name);

    public static string NewImage(long bytes)
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "disk.img");
        using (var f = File.Create(path))
        {
            f.SetLength(bytes);
        }

        return path;
    }

    public static string Sgdisk(params string[] args) => ExternalTool.RunChecked(ExternalTool.Require("sgdisk", "gdisk"), args).StdOut;

    /// <summary>The partition rows and the disk GUID of `sgdisk -p`.</summary>
    public static (IReadOnlyList<SgdiskRow> Rows, Guid DiskGuid, int SectorSize) SgdiskPrint(string device)
    {
        var text = Sgdisk("-p", device);
        var rows = new List<SgdiskRow>();
        foreach (var line in text.Split('\n'))
        {
            var m = Row().Match(line);
            if (m.Success)
            {
                rows.Add(new SgdiskRow(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                    long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Value, m.Groups[5].Value.Trim()));
            }
        }

        var guid = Guid.Parse(DiskGuid().Match(text).Groups[1].Value);
        var ss = int.Parse(SectorSize().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        return (rows, guid, ss);
    }

    /// <summary>`sfdisk --json` of a device or image: the "partitiontable" object.</summary>
    public static JsonElement SfdiskJson(string device)
    {
        var r = ExternalTool.RunChecked(ExternalTool.Require("sfdisk", "fdisk"), "--json", device);
        using var doc = JsonDocument.Parse(r.StdOut);
        return doc.RootElement.GetProperty("partitiontable").Clone();
    }

    public static void Sfdisk(string device, string script)
    {
        var path = Path.Combine(Fixtures.NewTempDir(), "script");
        File.WriteAllText(path, script);
        var r = ExternalTool.Run("/bin/sh", ["-c", $"sfdisk -q '{device}' < '{path}'"]);
        Assert.True(r.ExitCode == 0, r.All);
    }

    /// <summary>The partition number at the end of an sfdisk node name ("/x/disk.img5" is 5).</summary>
    public static int NodeNumber(string node) => int.Parse(TrailingDigits().Match(node).Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+\s+\S+\s+([0-9A-F]{4})\s*(.*)$")]
    private static partial Regex Row();

    [GeneratedRegex(@"Disk identifier \(GUID\): ([0-9A-Fa-f-]{36})")]
    private static partial Regex DiskGuid();

    [GeneratedRegex(@"Sector size \(logical(?:/physical)?\): (\d+)")]
    private static partial Regex SectorSize();

    [GeneratedRegex(@"\d+$")]
    private static partial Regex TrailingDigits();
}
