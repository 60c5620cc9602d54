using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace SrRescue.Cli;

/// <summary>Examples under each command's help (`srrescue COMMAND --help`), as the root help has its list.</summary>
internal static class CommandExamples
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["scan"] = ["srrescue scan /dev/sdb", "srrescue scan disk0.img disk1.img --json"],
        ["history"] = ["srrescue history /dev/sdb", "srrescue history /dev/sdb --lvm-backup /etc/lvm/archive"],
        ["list"] = ["srrescue list /dev/sdb"],
        ["show-metadata"] = ["srrescue show-metadata /dev/sdb --seqno 26 > seqno26.vg"],
        ["diff"] = ["srrescue diff /dev/sdb --from 26 --to 27"],
        ["restore-metadata"] = ["srrescue restore-metadata /dev/sdb --seqno 26 --lv VHD-<uuid> -o restore.vg"],
        ["export"] = ["srrescue export /dev/sdb --vdi <uuid> -o disk.vhd", "srrescue export /dev/sdb --lv MGT -o mgt.bin"],
        ["serve"] = ["srrescue serve /dev/sdb --vdi <uuid>                 then: qemu-img convert -f raw nbd://127.0.0.1:10809 disk.raw",
            "srrescue serve child.qcow2 --socket /tmp/vdi.sock    then: nbdinfo --map 'nbd+unix:///?socket=/tmp/vdi.sock'"],
        ["doctor"] = ["srrescue doctor /dev/sdb --output-dir /mnt/rescue"],
        ["carve"] = ["srrescue carve /dev/sdb -o /mnt/rescue/carved --no-pv-search"],
        ["partitions"] = ["srrescue partitions /dev/sdb --find --write-table table.bin"],
        ["undo"] = ["srrescue undo /mnt/rescue/sdb.journal"],
        ["plan dom0"] = ["srrescue plan dom0 --device /dev/sdb -o step1.sh", "srrescue plan dom0 sdb.capture -o step2.sh", "srrescue plan dom0 sdb.capture --vdi <uuid> -o step3.sh"],
        ["demo"] = ["srrescue demo"],
        ["vhd info"] = ["srrescue vhd info disk.vhd"],
        ["vhd check"] = ["srrescue vhd check disk.vhd --bitmaps"],
        ["vhd repair"] = ["srrescue vhd repair disk.vhd -o repaired.vhd"],
        ["vhd convert"] = ["srrescue vhd convert child.vhd -o disk.raw --format raw --parent-dir /mnt/parents"],
        ["qcow2 info"] = ["srrescue qcow2 info child.qcow2"],
        ["qcow2 check"] = ["srrescue qcow2 check QCOW2-<uuid>.qcow2 --json"],
        ["qcow2 convert"] = ["srrescue qcow2 convert child.qcow2 -o disk.raw --format raw --backing-dir /mnt/copies"],
    };

    /// <summary>
    /// Prints the examples of the command asked about after its help (not in the root's list of
    /// commands, which would drown in them): the root's help option keeps its own action inside.
    /// </summary>
    public static void AddTo(Command root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new WithExamples((SynchronousCommandLineAction)help.Action!);
    }

    private sealed class WithExamples(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        /// <summary>As help's own action: `export --help` is help, not a missing SOURCE.</summary>
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var code = inner.Invoke(parseResult);
            if (Examples.TryGetValue(CliApp.CommandPath(parseResult.CommandResult), out var lines))
            {
                var o = parseResult.InvocationConfiguration.Output;
                o.WriteLine($"Example{(lines.Length > 1 ? "s" : "")}:");
                foreach (var line in lines)
                {
                    o.WriteLine($"  {line}");
                }
            }

            return code;
        }
    }
}
