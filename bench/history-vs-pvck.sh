#!/usr/bin/env bash
# Times `srrescue history` against `pvck --dump metadata_search` on the same images, in the same
# run: wall time (median of N runs) and peak memory (max RSS). Both read the whole metadata area;
# srrescue also parses every copy and diffs consecutive versions.
#   bench/history-vs-pvck.sh [runs]        (root; lvm2; the .NET SDK)
#   SRRESCUE=dist/linux-x64/srrescue bench/history-vs-pvck.sh 10   (the published program: build/publish.sh)
# The ratio is srrescue's median over pvck's: at most 1.0 means no slower, .NET start-up included.
# Images: the lost_vdi fixture (XenServer layout: 11 MiB metadata area, 27 copies) and
# bench/out/full-ring.img (the same area filled and wrapped by lvm2: made by make-full-ring.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-10}
export LVM_SUPPRESS_FD_WARNINGS=1
mkdir -p bench/out
[ -f bench/out/lost_vdi.img ] || zcat tests/fixtures/lost_vdi/disk.img.gz > bench/out/lost_vdi.img
[ -f bench/out/full-ring.img ] || bench/make-full-ring.sh
cli=$(srrescue_command)

measure() { # prints "median_seconds max_rss_kib"
  local times=() rss=0
  for _ in $(seq "$runs"); do
    local out tf
    tf=$(mktemp)
    /usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>&1 || true
    out=$(tail -n1 "$tf"); rm -f "$tf"
    times+=("${out% *}")
    local m=${out#* }; [ "$m" -gt "$rss" ] && rss=$m
  done
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$rss"
}

printf '%-16s %-8s %-10s %-28s %-28s %s\n' image copies mda "srrescue history (s, KiB)" "pvck metadata_search (s, KiB)" "ratio"
for img in bench/out/lost_vdi.img bench/out/full-ring.img; do
  loop=$(losetup -r -f --show "$img")
  copies=$(pvck --config "devices{use_devicesfile=0 filter=[\"a|^$loop\$|\",\"r|.*|\"]}" --dump metadata_search "$loop" 2>/dev/null | grep -c 'metadata at')
  ours=$(measure $cli history "$loop" --json)
  theirs=$(measure pvck --config "devices{use_devicesfile=0 filter=[\"a|^$loop\$|\",\"r|.*|\"]}" --dump metadata_search "$loop")
  losetup -d "$loop"
  printf '%-16s %-8s %-10s %-28s %-28s %s\n' "$(basename "$img")" "$copies" "11 MiB" "$ours" "$theirs" \
    "$(awk -v a="${ours% *}" -v b="${theirs% *}" 'BEGIN {printf "%.2f", a / b}')"
done
