#!/usr/bin/env bash
# The least managed heap one srrescue command runs in, to 2 MiB: a binary search over
# DOTNET_GCHeapHardLimit (the limit CommandMemoryBoundTests sets), a run passing when it ends with
# 0 or 1 and no OutOfMemory. What the command keeps alive, whatever garbage RSS also holds.
#   bench/least-heap.sh PROGRAM LOW_MIB HIGH_MIB -- ARGS...
#   bench/least-heap.sh bench/out/cli/SrRescue.Cli 40 200 -- restore-metadata bench/out/large/large-sr.img --seqno 3 -o /tmp/r.vg --force
# PROGRAM: the apphost of a build (SrRescue.Cli beside SrRescue.Cli.dll) or a published program.
set -uo pipefail
program=$1 lo=$2 hi=$3
shift 4
fits() {
  local mib=$1 err rc
  shift
  err=$(DOTNET_GCHeapHardLimit=$(printf '0x%x' $((mib << 20))) "$program" "$@" 2>&1 >/dev/null)
  rc=$?
  [[ ($rc == 0 || $rc == 1) && $err != *OutOfMemory* ]]
}
if ! fits "$hi" "$@"; then
  echo "does not run in $hi MiB" >&2
  exit 1
fi
while ((hi - lo > 2)); do
  mid=$(((lo + hi) / 2))
  if fits "$mid" "$@"; then hi=$mid; else lo=$mid; fi
done
echo "least heap: between $lo and $hi MiB"
