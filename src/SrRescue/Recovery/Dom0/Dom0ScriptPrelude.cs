namespace SrRescue.Recovery.Dom0;

/// <summary>
/// The functions every dom0 script starts with. POSIX sh only, and only tools that CentOS 7's
/// dom0 and busybox both have: dd (bs=, skip=, seek=, count=, conv=notrunc), sha256sum, wc,
/// blockdev, tee, mkfifo. No pipefail exists in POSIX sh, so a dd is never trusted inside a
/// pipeline: its status is checked where it runs, and a marker file says the whole group ran.
/// </summary>
internal static class Dom0ScriptPrelude
{
    public const string Text = """
        set -eu
        umask 077
        err=".srrescue-dd.$$"
        cleanup() { rm -f "$err" ".srrescue-ok.$$" ".srrescue-fifo.$$" ".srrescue-sum.$$"; }
        trap cleanup EXIT
        die() { echo "srrescue: $*" >&2; exit 1; }
        say() { echo "srrescue: $*" >&2; }
        ddfail() { cat "$err" >&2; die "$1"; }

        # The first word of a file's first line (a sum from sha256sum's output).
        firstword() { read -r s < "$1"; echo "${s%% *}"; }

        # The size in bytes of a block device or file.
        devsize() {
          if [ -b "$1" ]; then blockdev --getsize64 "$1"; else n=$(wc -c < "$1"); echo $((n)); fi
        }

        # Refuses a device whose size is not the one the analysis saw.
        checkdev() {
          [ -r "$1" ] || die "cannot read $1"
          s=$(devsize "$1") || die "cannot get the size of $1"
          [ "$s" = "$2" ] || die "$1 is $s bytes, the analysis saw $2: is it the same device? nothing copied"
        }

        # copy DEVICE FILE BS SKIP SEEK COUNT: blocks SKIP.. of DEVICE to blocks SEEK.. of FILE.
        copy() {
          dd if="$1" of="$2" bs="$3" skip="$4" seek="$5" count="$6" conv=notrunc 2>"$err" || ddfail "reading $1 failed (bs=$3 skip=$4 count=$6)"
        }

        # send DEVICE BS SKIP COUNT: those blocks to stdout.
        send() {
          dd if="$1" bs="$2" skip="$3" count="$4" 2>"$err" || ddfail "reading $1 failed (bs=$2 skip=$3 count=$4)"
        }

        # zeros BS COUNT: zero bytes to stdout (LV bytes no extent holds).
        zeros() {
          dd if=/dev/zero bs="$1" count="$2" 2>"$err" || ddfail "dd from /dev/zero failed"
        }

        # setsize FILE BYTES: FILE gets exactly BYTES bytes (sparse where nothing was written).
        setsize() {
          dd if=/dev/null of="$1" bs=1 seek="$2" count=0 2>"$err" || ddfail "cannot set the size of $1"
          n=$(wc -c < "$1")
          [ $((n)) -eq "$2" ] || die "$1 is $((n)) bytes, not $2"
        }

        # sumof FILE BS SKIP COUNT: the SHA-256 of those blocks of FILE.
        sumof() {
          s=$(dd if="$1" bs="$2" skip="$3" count="$4" 2>/dev/null | sha256sum) || die "sha256sum failed"
          echo "${s%% *}"
        }

        # fresh FILE: refuses to overwrite.
        fresh() {
          [ ! -e "$1" ] || die "$1 already exists; run this script in an empty directory (nothing is overwritten)"
        }

        """;
}
