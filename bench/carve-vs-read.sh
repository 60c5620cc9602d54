#!/usr/bin/env bash
# Times `srrescue carve` (metadata-less recovery: reads a few sectors per extent, more only where
# extents compete) against one sequential read of the same image (`dd bs=16M`), same run, taking
# turns, median wall time.
#   bench/carve-vs-read.sh [runs] [image_gib]      (the .NET SDK; no root needed)
# Image: bench/out/carve-<GiB>.img = the mda_wiped_with_backup fixture (label and metadata area
# zeroed, 3 VHD VDIs) at byte 0 of a sparse file of IMAGE_GIB GiB, so carving has no metadata and
# walks the whole extent grid (11 MiB + 4 MiB extents to the end of the file).
# Not yet: a dozen VDIs spread over the image (the random-SR generator of the tests, scaled up).
# Measured (2 cores, warm cache, 50 GiB): dd 14.7 s; `srrescue carve` 0.65 s, of which the carving
# itself (Carver.Carve over 12 797 extents) is 0.17 s (figures and history in bench/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
gib=${2:-50}
mkdir -p bench/out
img=bench/out/carve-$gib.img
if [ ! -f "$img" ]; then
  zcat tests/fixtures/mda_wiped_with_backup/disk.img.gz | dd of="$img.part" conv=sparse,notrunc bs=1M status=none
  truncate -s "${gib}G" "$img.part"
  mv "$img.part" "$img"
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
found=$(grep -c '"vdi_uuid"' bench/out/carve.json || true)
t_dd=$(printf '%s\n' "${theirs[@]}" | median)
t_us=$(printf '%s\n' "${ours[@]}" | median)
printf 'image %s: %d GiB (sparse), VDIs carved: %s\n' "$img" "$((bytes >> 30))" "$found"
printf '%-45s %8.3f s\n' "dd if=IMG of=/dev/null bs=16M" "$t_dd"
printf '%-45s %8.3f s  (%.1f %% of the read; includes writing the VDIs)\n' "srrescue carve IMG -o DIR --json" "$t_us" "$(echo "100 * $t_us / $t_dd" | bc -l)"
