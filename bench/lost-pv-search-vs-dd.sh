#!/usr/bin/env bash
# Times the lost-PV search (`srrescue partitions IMG --find --json`: every sector searched for an
# LVM label) against a plain sequential read of the same image (`dd if=IMG of=/dev/null bs=8M`),
# in the same run, taking turns, warm page cache: median wall time and the rate it gives.
#   bench/lost-pv-search-vs-dd.sh [runs] [data_mib]      (the .NET SDK; no root needed)
# Image: bench/out/lost-pv.img = DATA_MIB of random bytes (no holes, so nothing is skipped)
# followed by the gpt_local_sr fixture (GPT zeroed, PV at byte 51380224 of it).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
mib=${2:-2048}
mkdir -p bench/out
img=bench/out/lost-pv-$mib.img
if [ ! -f "$img" ]; then
  head -c "$((mib << 20))" /dev/urandom > "$img.part"
  zcat tests/fixtures/gpt_local_sr/disk.img.gz >> "$img.part"
  mv "$img.part" "$img"
fi
dotnet build -c Release src/SrRescue.Cli -o bench/out/cli >/dev/null
cli="dotnet bench/out/cli/SrRescue.Cli.dll"
bytes=$(stat -c %s "$img")
cat "$img" > /dev/null   # warm the page cache for both

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# .NET start-up, measured in the same run on a 1 MiB image, is subtracted for the search alone.
tiny=bench/out/lost-pv-tiny.img
head -c 1048576 /dev/zero > "$tiny"
ours=() theirs=() startup=()
for _ in $(seq "$runs"); do
  s=$(date +%s.%N); dd if="$img" of=/dev/null bs=8M status=none; e=$(date +%s.%N)
  theirs+=("$(echo "$e - $s" | bc -l)")
  s=$(date +%s.%N); $cli partitions "$img" --find --json > bench/out/lost-pv.json || true; e=$(date +%s.%N)
  ours+=("$(echo "$e - $s" | bc -l)")
  s=$(date +%s.%N); $cli partitions "$tiny" --find --json > /dev/null || true; e=$(date +%s.%N)
  startup+=("$(echo "$e - $s" | bc -l)")
done
found=$(grep -c '"pv_offset"' bench/out/lost-pv.json || true)
t_dd=$(printf '%s\n' "${theirs[@]}" | median)
t_us=$(printf '%s\n' "${ours[@]}" | median)
printf 'image %s: %d MiB, PVs found: %s\n' "$img" "$((bytes >> 20))" "$found"
printf '%-40s %8.3f s  %8.0f MiB/s\n' "dd if=IMG of=/dev/null bs=8M" "$t_dd" "$(echo "$bytes / 1048576 / $t_dd" | bc -l)"
printf '%-40s %8.3f s  %8.0f MiB/s\n' "srrescue partitions IMG --find --json" "$t_us" "$(echo "$bytes / 1048576 / $t_us" | bc -l)"
t_start=$(printf '%s\n' "${startup[@]}" | median)
t_search=$(echo "$t_us - $t_start" | bc -l)
printf '%-40s %8.3f s  %8.0f MiB/s  (start-up %.3f s subtracted)\n' "  the search alone" "$t_search" "$(echo "$bytes / 1048576 / $t_search" | bc -l)" "$t_start"
