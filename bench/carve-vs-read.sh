#!/usr/bin/env bash
# Times `srrescue carve` (metadata-less recovery: reads a few sectors per extent, more only where
# extents compete) against one sequential read of the same image (`dd bs=16M`), same run, taking
# turns, median wall time; then checks every carved extent map against what lvm2 reported.
#   sudo bench/carve-vs-read.sh [runs] [image_gib] [vdis]     (root: loop device and lvm2)
# Image: bench/out/carve-<GiB>-<VDIs>.img, made once by bench/make-random-sr (the tests' random-SR
# generator: real lvm2 allocation, VHDs written as libvhd writes them, VDIs growing in turns,
# snapshots, never-written thick raw VDIs between the rounds so the VHDs spread over the image),
# then its first 10 MiB zeroed (PV label and metadata area gone: carving has only the data).
# Then once more through a read-only loop device over the image: a block device tells no holes,
# so every free extent is probed as on a real LUN; with and without --no-pv-search (the label is
# gone, so by default the whole device is searched for a PV further in). One run each.
# Measured (2 cores, warm cache, 50 GiB, 12 VDIs = 18 VHDs): see bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
gib=${2:-50}
vdis=${3:-12}
seed=1
mkdir -p bench/out
img=bench/out/carve-$gib-$vdis.img
truth=bench/out/carve-$gib-$vdis.truth.json
if [ ! -f "$img" ]; then
  dotnet build -c Release bench/make-random-sr -o bench/out/make-random-sr >/dev/null
  rm -f "bench/out/sr-$seed.img"
  dotnet bench/out/make-random-sr/make-random-sr.dll bench/out "$seed" "$gib" "$vdis"
  dd if=/dev/zero of="bench/out/sr-$seed.img" bs=1M count=10 conv=notrunc status=none
  mv "bench/out/sr-$seed.truth.json" "$truth"
  mv "bench/out/sr-$seed.img" "$img"
fi
dotnet build -c Release src/SrRescue.Cli -o bench/out/cli >/dev/null
cli="dotnet bench/out/cli/SrRescue.Cli.dll"
bytes=$(stat -c %s "$img")

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ours=() theirs=()
for _ in $(seq "$runs"); do
  s=$(date +%s.%N); dd if="$img" of=/dev/null bs=16M status=none; e=$(date +%s.%N)
  theirs+=("$(echo "$e - $s" | bc -l)")
  out=bench/out/carve-$gib.d; rm -rf "$out"
  s=$(date +%s.%N); $cli carve "$img" -o "$out" --json > bench/out/carve.json || true; e=$(date +%s.%N)
  ours+=("$(echo "$e - $s" | bc -l)")
done
total=$(jq '.vhds | length' "$truth")
right=$(jq -n --slurpfile t "$truth" --slurpfile r bench/out/carve.json '
  ($r[0].vdis | map({key: .vhd_uuid, value: [.extents[].pe]}) | from_entries) as $c
  | [$t[0].vhds[] | select($c[.vhd_uuid] == .pes)] | length')
t_dd=$(printf '%s\n' "${theirs[@]}" | median)
t_us=$(printf '%s\n' "${ours[@]}" | median)
printf 'image %s: %d GiB (sparse), %d VHDs (%d VDIs + snapshots); extent maps equal to lvm2'"'"'s: %d of %d\n' "$img" "$((bytes >> 30))" "$total" "$vdis" "$right" "$total"
printf '%-45s %8.3f s\n' "dd if=IMG of=/dev/null bs=16M" "$t_dd"
printf '%-45s %8.3f s  (%.1f %% of the read; includes writing the VDIs)\n' "srrescue carve IMG -o DIR --json" "$t_us" "$(echo "100 * $t_us / $t_dd" | bc -l)"

dev=$(losetup -r -f --show "$img")
trap 'losetup -d "$dev"' EXIT
s=$(date +%s.%N); dd if="$dev" of=/dev/null bs=16M status=none; e=$(date +%s.%N); t_dd=$(echo "$e - $s" | bc -l)
printf 'same image through read-only %s (no holes known, like a LUN)\n' "$dev"
printf '%-45s %8.3f s\n' "dd if=DEV of=/dev/null bs=16M" "$t_dd"
for flags in "" "--no-pv-search"; do
  out=bench/out/carve-$gib.d; rm -rf "$out"
  s=$(date +%s.%N); $cli carve "$dev" $flags -o "$out" --json > bench/out/carve-loop.json || true; e=$(date +%s.%N); t_us=$(echo "$e - $s" | bc -l)
  right=$(jq -n --slurpfile t "$truth" --slurpfile r bench/out/carve-loop.json '
    ($r[0].vdis | map({key: .vhd_uuid, value: [.extents[].pe]}) | from_entries) as $c
    | [$t[0].vhds[] | select($c[.vhd_uuid] == .pes)] | length')
  printf '%-45s %8.3f s  (%.1f %% of the read); extent maps equal to lvm2'"'"'s: %d of %d\n' "srrescue carve DEV $flags -o DIR --json" "$t_us" "$(echo "100 * $t_us / $t_dd" | bc -l)" "$right" "$total"
done
