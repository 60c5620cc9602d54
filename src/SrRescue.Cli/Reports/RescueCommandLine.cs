using System.Globalization;
using SrRescue.Recovery;

namespace SrRescue.Cli.Reports;

/// <summary>
/// A plan step of this program as the command line that runs it: the library says what to do
/// (<see cref="RescueCommand"/>), the CLI, which owns the flags, spells it.
/// </summary>
internal static class RescueCommandLine
{
    public static IReadOnlyList<string> Arguments(RescueCommand c)
    {
        List<string> args = ["srrescue", .. Verb(c.Action), .. c.Sources];
        switch (c.Action)
        {
            case RescueAction.PartitionTableFile:
                args.AddRange(["--find", "--write-table", Required(c.Output, c)]);
                return args;
            case RescueAction.PartitionTableInPlace:
                args.AddRange(["--find", "--in-place", "--journal", Required(c.Journal, c)]);
                return args;
        }

        if (c.LvmBackup is { } backup)
        {
            args.AddRange(["--lvm-backup", backup]);
        }

        if (c.VdiUuid is { } vdi)
        {
            args.AddRange(["--vdi", vdi]);
        }

        if (c.Seqno is { } seqno)
        {
            args.AddRange(["--seqno", seqno.ToString(CultureInfo.InvariantCulture)]);
        }

        foreach (var lv in c.LvNames)
        {
            args.AddRange(["--lv", lv]);
        }

        // vhd convert takes its output before the format; export the other way round (as the plans always printed them).
        if (c.Action == RescueAction.Export && c.Format is { } exportFormat)
        {
            args.AddRange(["--format", FormatName(exportFormat)]);
        }

        if (c.Output is { } output)
        {
            args.AddRange(["-o", output]);
        }

        if (c.Action != RescueAction.Export && c.Format is { } format)
        {
            args.AddRange(["--format", FormatName(format)]);
        }

        // A QCOW2's parent is its backing file, and its options say so.
        var qcow2 = c.Action == RescueAction.Qcow2Convert;
        if (c.AllowMissingParent)
        {
            args.Add(qcow2 ? "--allow-missing-backing" : "--allow-missing-parent");
        }

        if (c.ParentFolder is { } parents)
        {
            args.AddRange([qcow2 ? "--backing-dir" : "--parent-dir", parents]);
        }

        return args;
    }

    /// <summary>The command line as a person would type it (arguments quoted for a POSIX shell where needed).</summary>
    public static string Quoted(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%<>".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string[] Verb(RescueAction action) => action switch
    {
        RescueAction.Doctor => ["doctor"],
        RescueAction.Export => ["export"],
        RescueAction.RestoreMetadata => ["restore-metadata"],
        RescueAction.Carve => ["carve"],
        RescueAction.PartitionTableFile or RescueAction.PartitionTableInPlace => ["partitions"],
        RescueAction.VhdRepair => ["vhd", "repair"],
        RescueAction.VhdConvert => ["vhd", "convert"],
        RescueAction.Qcow2Convert => ["qcow2", "convert"],
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "no command line for this action"),
    };

    private static string FormatName(DiskFormat format) => format == DiskFormat.Vhd ? "vhd" : "raw";

    private static string Required(string? value, RescueCommand c) =>
        value ?? throw new ArgumentException($"a {c.Action} step needs its file", nameof(c));
}
