using System.Globalization;
using System.Text;

namespace SrRescue.Recovery.Dom0;

/// <summary>
/// Writes a plan as a POSIX sh script to run on dom0. The script reads the devices only
/// (<c>dd if=DEVICE</c>), writes only files in the directory it runs in (or on the ssh target),
/// never overwrites one, and refuses a device whose size is not the one the analysis saw.
/// </summary>
public static class Dom0Script
{
    private const string SumsFile = "SHA256SUMS";

    /// <param name="madeBy">The srrescue command line that made the plan, for the script's header.</param>
    public static string Render(Dom0Plan plan, string madeBy)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var o = new StringBuilder();
        o.Append("#!/bin/sh\n");
        o.Append(CultureInfo.InvariantCulture, $"# srrescue dom0 script, {Title(plan.Step)}.\n");
        o.Append(CultureInfo.InvariantCulture, $"# Made by: {OneLine(madeBy)}\n");
        o.Append("# Run it as root on dom0 with sh, in the directory that holds (or is to hold) the files it\n");
        o.Append("# writes. It only reads the devices (dd if=DEVICE), never overwrites a file, and stops on\n");
        o.Append("# the first error. Detach the SR first (xe pbd-unplug) so nothing changes under it.\n");
        foreach (var note in plan.Notes)
        {
            o.Append(CultureInfo.InvariantCulture, $"# Note: {OneLine(note)}\n");
        }

        o.Append('\n').Append(Dom0ScriptPrelude.Text.Replace("\r\n", "\n", StringComparison.Ordinal));
        for (var i = 0; i < plan.Devices.Count; i++)
        {
            var d = plan.Devices[i];
            o.Append(CultureInfo.InvariantCulture, $"dev_{i}={ShellText.Quote(d.Path)}\ncap_{i}={ShellText.Quote(d.Capture)}\n");
        }

        switch (plan.Step)
        {
            case Dom0Step.Head:
                Head(o, plan);
                break;
            case Dom0Step.Capture:
                Capture(o, plan);
                break;
            case Dom0Step.Whole:
                Whole(o, plan);
                break;
            default:
                Extract(o, plan);
                break;
        }

        return o.ToString();
    }

    private static string Title(Dom0Step step) => step switch
    {
        Dom0Step.Head => "step 1 of 3: the head of each device (LVM label and metadata area) into a capture",
        Dom0Step.Capture => "step 2 of 3: MGT and every VHD/QCOW2 LV's header, BAT and footer added to the capture",
        Dom0Step.Extract => "step 3 of 3: the LVs of the chosen VDIs, parents included, one file each",
        _ => "each device copied whole (for carving: no metadata maps the VDIs)",
    };

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');

    private static void Head(StringBuilder o, Dom0Plan plan)
    {
        foreach (var r in plan.CaptureRanges)
        {
            var i = r.Device;
            var bs = r.BlockBytes;
            o.Append(CultureInfo.InvariantCulture, $"""

                fresh "$cap_{i}"; fresh "$cap_{i}.manifest"
                [ -r "$dev_{i}" ] || die "cannot read $dev_{i}"
                size_{i}=$(devsize "$dev_{i}") || die "cannot get the size of $dev_{i}"
                len={r.LengthBytes}
                if [ "$size_{i}" -lt "$len" ]; then len=$size_{i}; fi
                say "$dev_{i} is $size_{i} bytes; copying its first $len bytes into $cap_{i}"
                copy "$dev_{i}" "$cap_{i}" {bs} 0 0 {r.LengthBytes / bs}
                setsize "$cap_{i}" "$size_{i}"
                sum=$(sumof "$cap_{i}" 512 0 $((len / 512)))
                ( echo "srrescue-capture 1"; echo "device $dev_{i}"; echo "size $size_{i}"; echo "range 0 $((len / 512 * 512)) $sum head" ) > "$cap_{i}.manifest"

                """);
        }

        o.Append("""

            # LVM's own metadata backups, when dom0 keeps them: 'srrescue ... --lvm-backup lvm-backup' reads them.
            for f in /etc/lvm/backup/* /etc/lvm/archive/*; do
              if [ -f "$f" ]; then mkdir -p lvm-backup; cp "$f" lvm-backup/; fi
            done
            say "done. Copy the .capture and .capture.manifest files (and lvm-backup/ if made) to the rescue machine and run 'srrescue plan dom0 CAPTURE...' there."

            """);
    }

    private static void Capture(StringBuilder o, Dom0Plan plan)
    {
        for (var i = 0; i < plan.Devices.Count; i++)
        {
            o.Append(CultureInfo.InvariantCulture, $"""
                checkdev "$dev_{i}" {plan.Devices[i].SizeBytes}
                [ -f "$cap_{i}" ] && [ -f "$cap_{i}.manifest" ] || die "$cap_{i} or its manifest is not here: run this script where step 1 wrote them"
                n=$(wc -c < "$cap_{i}"); [ $((n)) -eq {plan.Devices[i].SizeBytes} ] || die "$cap_{i} is $((n)) bytes, not {plan.Devices[i].SizeBytes}"

                """);
        }

        foreach (var lv in plan.CaptureRanges.GroupBy(r => r.What))
        {
            o.Append(CultureInfo.InvariantCulture, $"\nsay {ShellText.Quote($"{lv.Key}: {lv.Sum(r => r.LengthBytes)} bytes in {lv.Count()} piece(s)")}\n");
            foreach (var r in lv)
            {
                var bs = r.BlockBytes;
                var (skip, count) = (r.OffsetBytes / bs, r.LengthBytes / bs);
                o.Append(CultureInfo.InvariantCulture, $"copy \"$dev_{r.Device}\" \"$cap_{r.Device}\" {bs} {skip} {skip} {count}\n");
                o.Append(CultureInfo.InvariantCulture, $"echo \"range {r.OffsetBytes} {r.LengthBytes} $(sumof \"$cap_{r.Device}\" {bs} {skip} {count}) {r.What}\" >> \"$cap_{r.Device}.manifest\"\n");
            }
        }

        o.Append("\nsay \"done. Copy the .capture and .capture.manifest files to the rescue machine again; there, 'srrescue list CAPTURE...' shows the VDIs and 'srrescue plan dom0 CAPTURE... --vdi UUID' writes step 3.\"\n");
    }

    private static void Whole(StringBuilder o, Dom0Plan plan)
    {
        o.Append(CultureInfo.InvariantCulture, $"fresh {SumsFile}\n");
        for (var i = 0; i < plan.Devices.Count; i++)
        {
            var d = plan.Devices[i];
            var image = ShellText.Quote(Path.ChangeExtension(d.Capture, ".img"));
            o.Append(CultureInfo.InvariantCulture, $"""

                out={image}
                fresh "$out"
                [ -r "$dev_{i}" ] || die "cannot read $dev_{i}"
                size=$(devsize "$dev_{i}") || die "cannot get the size of $dev_{i}"

                """);
            if (d.SizeBytes is { } size)
            {
                o.Append(CultureInfo.InvariantCulture, $"checkdev \"$dev_{i}\" {size}\n");
            }

            o.Append(CultureInfo.InvariantCulture, $"""
                say "copying all $size bytes of $dev_{i} into $out"
                dd if="$dev_{i}" of="$out" bs={DeviceRange.MaxBlockBytes} 2>"$err" || ddfail "reading $dev_{i} failed"
                setsize "$out" "$size"
                sha256sum "$out" >> {SumsFile}

                """);
        }

        o.Append(CultureInfo.InvariantCulture, $"\nsay \"done. Copy the .img files and {SumsFile} to the rescue machine, check them there with 'sha256sum -c {SumsFile}', then run 'srrescue carve IMAGE... -o DIR'.\"\n");
    }

    private static void Extract(StringBuilder o, Dom0Plan plan)
    {
        for (var i = 0; i < plan.Devices.Count; i++)
        {
            o.Append(CultureInfo.InvariantCulture, $"checkdev \"$dev_{i}\" {plan.Devices[i].SizeBytes}\n");
        }

        if (plan.Ssh is { } ssh)
        {
            Dom0SshExtract.Write(o, plan, ssh);
            return;
        }

        o.Append(CultureInfo.InvariantCulture, $"fresh {SumsFile}\n");
        foreach (var f in plan.Files)
        {
            o.Append(CultureInfo.InvariantCulture, $"fresh {ShellText.Quote(f.Name)}\n");
        }

        foreach (var f in plan.Files)
        {
            var name = ShellText.Quote(f.Name);
            o.Append(CultureInfo.InvariantCulture, $"\nsay {ShellText.Quote($"{f.Name}: {f.SizeBytes} bytes in {f.Ranges.Count} segment(s), as metadata seqno {f.Seqno} maps it")}\n");
            o.Append(CultureInfo.InvariantCulture, $": > {name}\n");
            foreach (var r in f.Ranges)
            {
                var bs = r.BlockBytes;
                o.Append(CultureInfo.InvariantCulture, $"copy \"$dev_{r.Device}\" {name} {bs} {r.OffsetBytes / bs} {r.TargetOffsetBytes / bs} {r.LengthBytes / bs}\n");
            }

            o.Append(CultureInfo.InvariantCulture, $"setsize {name} {f.SizeBytes}\nsha256sum {name} >> {SumsFile}\n");
        }

        o.Append(CultureInfo.InvariantCulture, $"\nsay \"done. Copy these files and {SumsFile} to the rescue machine, check them there with 'sha256sum -c {SumsFile}', then 'srrescue vhd convert VHD-<uuid> -o disk.raw --format raw' (or 'qcow2 convert QCOW2-<uuid>'); parents are found beside it by name.\"\n");
    }

    /// <summary>The pieces of a file in order: device ranges and the zero runs between them, as (range or null, length).</summary>
    internal static IEnumerable<(DeviceRange? Range, long LengthBytes)> Stream(Dom0File f)
    {
        long at = 0;
        foreach (var r in f.Ranges.OrderBy(r => r.TargetOffsetBytes))
        {
            if (r.TargetOffsetBytes < at)
            {
                continue;
            }

            if (r.TargetOffsetBytes > at)
            {
                yield return (null, r.TargetOffsetBytes - at);
            }

            yield return (r, r.LengthBytes);
            at = r.TargetOffsetBytes + r.LengthBytes;
        }

        if (at < f.SizeBytes)
        {
            yield return (null, f.SizeBytes - at);
        }
    }
}
