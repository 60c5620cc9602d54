#!/usr/bin/env bash
# `srrescue carve` (metadata-less recovery) against one sequential read of the same image, on a
# read-only loop device over it (a block device tells no holes, as a LUN): bytes the device
# served (/sys/block/loopN/stat, the device's page cache dropped before each run with
# `blockdev --flushbufs`, so re-runs count again), read requests, peak RSS and CPU time
# (/usr/bin/time), wall time with the load average. Load-independent figures first: bytes,
# requests, peak memory, CPU. Then every carved extent map is checked against what lvm2 reported.
#   sudo bench/carve-vs-read.sh [runs] [image_gib] [vdis] [rounds] [max_writes_per_turn] [cli_dir]
# Image: bench/out/carve-<GiB>-<VDIs>.img, made once by bench/make-random-sr (the tests' random-SR
# generator: real lvm2 allocation, VHDs written as libvhd writes them, VDIs growing in turns,
# snapshots, never-written thick raw VDIs between the rounds so the VHDs spread over the image),
# then its first 10 MiB zeroed (PV label and metadata area gone: carving has only the data).
# A LUN of terabytes with hundreds of VDIs: e.g. `2048 300 4 2` (44 min to make on 2 busy cores,
# mostly lvm2 calls: 306 VHDs, 6 GiB written). For images over 64 GiB the sequential read is
# timed on the first 64 GiB and scaled (its bytes are the whole image's).
# cli_dir: a build of the CLI to measure (default: this tree's, built to bench/out/cli), so the
# same script measures an older commit's build for "before" figures; SRRESCUE=path measures a
# published program instead (build/publish.sh). NO_PV_SEARCH_ONLY=1 runs only
# `carve --no-pv-search` (on an image with no LVM label anywhere, as these, plain `carve` searches
# every sector for one: a whole read, an hour at 2 TiB).
# Each carve's wrong extents (against lvm2's maps) are counted by the confidence the carve gave
# them: a wrong extent must never be "high".
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
gib=${2:-50}
vdis=${3:-12}
rounds=${4:-8}
writes=${5:-12}
cli_dir=${6:-bench/out/cli}
seed=1
mkdir -p bench/out
img=bench/out/carve-$gib-$vdis.img
truth=bench/out/carve-$gib-$vdis.truth.json
if [ ! -f "$img" ]; then
  dotnet build -c Release bench/make-random-sr -o bench/out/make-random-sr >/dev/null
  rm -f "bench/out/sr-$seed.img"
  dotnet bench/out/make-random-sr/make-random-sr.dll bench/out "$seed" "$gib" "$vdis" "$rounds" "$writes"
  dd if=/dev/zero of="bench/out/sr-$seed.img" bs=1M count=10 conv=notrunc status=none
  mv "bench/out/sr-$seed.truth.json" "$truth"
  mv "bench/out/sr-$seed.img" "$img"
fi
if [ -n "${SRRESCUE:-}" ]; then
  cli=$SRRESCUE
else
  if [ "$cli_dir" = bench/out/cli ]; then
    dotnet build -c Release src/SrRescue.Cli -o bench/out/cli >/dev/null
  fi
  cli="dotnet $cli_dir/SrRescue.Cli.dll"
fi
bytes=$(stat -L -c %s "$img")
total=$(jq '.vhds | length' "$truth")

dev=$(losetup -r -f --show "$img")
out=$(mktemp -d)
trap 'losetup -d "$dev"; rm -rf "$out"' EXIT
stat_file=/sys/block/$(basename "$dev")/stat

# measure NAME CMD...: prints "MiB_read requests peak_MiB cpu_s wall_s" of one run.
measure() {
  blockdev --flushbufs "$dev"
  local r1 s1 r2 s2
  read -r r1 _ s1 _ < "$stat_file"
  /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$@" > "$out/stdout" 2> "$out/stderr" || true
  read -r r2 _ s2 _ < "$stat_file"
  tail -1 "$out/time" | awk -v s=$((s2 - s1)) -v r=$((r2 - r1)) '{printf "%.1f %d %d %.2f %.2f\n", s * 512 / 1048576, r, $4 / 1024, $2 + $3, $1}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
col() { awk -v c="$1" '{print $c}' | median; }
right() {
  jq -n --slurpfile t "$truth" --slurpfile r "$1" '
    ($r[0].vdis | map({key: .vhd_uuid, value: [.extents[].pe]}) | from_entries) as $c
    | [$t[0].vhds[] | select($c[.vhd_uuid] == .pes)] | length'
}
# wrong JSON: the extents of lvm2's maps the carve placed elsewhere, by the confidence it gave them.
wrong() {
  jq -rn --slurpfile t "$truth" --slurpfile r "$1" '
    ($r[0].vdis | map({key: .vhd_uuid, value: .extents}) | from_entries) as $c
    | [$t[0].vhds[] | . as $v | select($c[$v.vhd_uuid] != null) | range(0; $v.pes | length) as $i
       | $c[$v.vhd_uuid][$i] | select(.pe != $v.pes[$i]) | .confidence] | group_by(.) | map("\(length) \(.[0])") | join(", ")
    | if . == "" then "none" else . end'
}

printf 'image %s: %d GiB (sparse), %d VHDs (%d VDIs + snapshots), read through read-only %s\n' "$img" "$((bytes >> 30))" "$total" "$vdis" "$dev"
printf 'load average at the start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
sample=$bytes
if [ "$bytes" -gt $((64 << 30)) ]; then sample=$((64 << 30)); fi
dd_runs=()
for _ in $(seq "$runs"); do dd_runs+=("$(measure dd if="$dev" of=/dev/null bs=16M count=$((sample >> 24)))"); done
dd_mib=$(echo "$bytes / 1048576" | bc -l)
dd_wall=$(printf '%s\n' "${dd_runs[@]}" | col 5)
dd_wall=$(echo "$dd_wall * $bytes / $sample" | bc -l)
printf '%-52s %10s %9s %6s %8s %9s  %s\n' "" "MiB read" "requests" "peak" "cpu s" "wall s" "of one read (bytes; wall)"
printf '%-52s %10.0f %9s %6s %8s %9.1f  %s\n' "dd if=DEV of=/dev/null bs=16M$([ "$sample" -lt "$bytes" ] && echo ' (scaled)')" "$dd_mib" "-" "-" "-" "$dd_wall" "1"
variants=("--no-pv-search")
if [ -z "${NO_PV_SEARCH_ONLY:-}" ]; then variants+=(""); fi
for flags in "${variants[@]}"; do
  results=()
  for _ in $(seq "$runs"); do
    rm -rf "$out/carved"
    results+=("$(measure $cli carve "$dev" $flags -o "$out/carved" --json)")
    cp "$out/stdout" "$out/carve.json"
  done
  m=$(printf '%s\n' "${results[@]}" | col 1)
  printf '%-52s %10.0f %9d %4d M %8.2f %9.1f  %.2f %%; %.1f %%   maps equal to lvm2'"'"'s: %d of %d; wrong extents: %s\n' "srrescue carve DEV $flags -o DIR --json" \
    "$m" "$(printf '%s\n' "${results[@]}" | col 2)" "$(printf '%s\n' "${results[@]}" | col 3)" "$(printf '%s\n' "${results[@]}" | col 4)" \
    "$(printf '%s\n' "${results[@]}" | col 5)" "$(echo "100 * $m / $dd_mib" | bc -l)" "$(echo "100 * $(printf '%s\n' "${results[@]}" | col 5) / $dd_wall" | bc -l)" \
    "$(right "$out/carve.json")" "$total" "$(wrong "$out/carve.json")"
done
# What the carve reads whatever it does: the data of the VHDs it writes out (at most their extents).
printf 'the VHDs carved have %d MiB of extents (their data is read to write them out)\n' \
  "$(jq '[.vhds[] | .pes | length] | add * 4' "$truth")"
