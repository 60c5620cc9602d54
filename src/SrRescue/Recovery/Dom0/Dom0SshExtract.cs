using System.Globalization;
using System.Text;

namespace SrRescue.Recovery.Dom0;

/// <summary>
/// Step 3 over ssh: each LV is streamed in LV order (its segments, zeros where no extent holds
/// it) through <c>tee</c> into sha256sum on dom0 and into <c>ssh HOST 'cat &gt; DIR/FILE'</c>.
/// The sum is of the bytes dom0 sent; a marker file proves every dd of the stream succeeded
/// (POSIX sh has no pipefail). SHA256SUMS goes to the target last.
/// </summary>
internal static class Dom0SshExtract
{
    public static void Write(StringBuilder o, Dom0Plan plan, string target)
    {
        var (host, dir) = ShellText.SplitSsh(target);
        string Remote(string command) => ShellText.Quote(command);
        string Path(string file) => ShellText.Quote(dir.TrimEnd('/') + "/" + file);

        var checks = string.Join(" && ", plan.Files.Select(f => $"[ ! -e {Path(f.Name)} ]").Append($"[ ! -e {Path("SHA256SUMS")} ]"));
        o.Append(CultureInfo.InvariantCulture, $"""
            host={ShellText.Quote(host)}
            fresh SHA256SUMS
            ssh "$host" {Remote($"mkdir -p {ShellText.Quote(dir)} && {checks}")} || die "cannot write to {dir} on $host, or a file this script writes is already there (nothing is overwritten)"

            """);
        foreach (var f in plan.Files)
        {
            o.Append(CultureInfo.InvariantCulture, $"""

                say {ShellText.Quote($"{f.Name}: {f.SizeBytes} bytes in {f.Ranges.Count} segment(s), as metadata seqno {f.Seqno} maps it, to {target}")}
                rm -f ".srrescue-ok.$$" ".srrescue-fifo.$$"
                mkfifo ".srrescue-fifo.$$"
                sha256sum < ".srrescue-fifo.$$" > ".srrescue-sum.$$" &
                sumpid=$!
                (

                """);
            foreach (var (r, length) in Dom0Script.Stream(f))
            {
                if (r is null)
                {
                    var zbs = new DeviceRange(0, 0, length, 0, "").BlockBytes;
                    o.Append(CultureInfo.InvariantCulture, $"  zeros {zbs} {length / zbs}\n");
                }
                else
                {
                    var bs = new DeviceRange(r.Device, r.OffsetBytes, r.LengthBytes, 0, "").BlockBytes;
                    o.Append(CultureInfo.InvariantCulture, $"  send \"$dev_{r.Device}\" {bs} {r.OffsetBytes / bs} {r.LengthBytes / bs}\n");
                }
            }

            o.Append(CultureInfo.InvariantCulture, $"""
                  : > ".srrescue-ok.$$"
                ) | tee ".srrescue-fifo.$$" | ssh "$host" {Remote($"cat > {Path(f.Name)}")}
                wait "$sumpid" || die "sha256sum failed"
                [ -f ".srrescue-ok.$$" ] || die {ShellText.Quote($"reading {f.Name} from the device failed; the copy on the target is incomplete")}
                echo "$(firstword ".srrescue-sum.$$")  {f.Name}" >> SHA256SUMS

                """);
        }

        o.Append(CultureInfo.InvariantCulture, $"""

            ssh "$host" {Remote($"cat > {Path("SHA256SUMS")}")} < SHA256SUMS
            say "done. On $host, in {dir}: 'sha256sum -c SHA256SUMS', then 'srrescue vhd convert VHD-<uuid> -o disk.raw --format raw' (or 'qcow2 convert QCOW2-<uuid>'); parents are found beside it by name."

            """);
    }
}
