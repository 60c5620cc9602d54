#!/usr/bin/env bash
# Times `srrescue vhd convert IMG -o OUT --format raw` against `qemu-img convert -f vpc -O raw` on
# the same dynamic VHDs, in the same run: wall time (median of N runs, the tools taking turns so
# they share whatever else the machine is doing) and peak memory (max RSS), and checks that the
# outputs are identical.
#   bench/vhd-convert-vs-qemu.sh [runs] [size_gib:percent_of_blocks_written ...]   (qemu-utils; .NET SDK)
# Images (made once, kept in bench/out/): qemu-img creates a vpc of SIZE GiB, qemu-io writes a
# pattern into PERCENT % of its 2 MiB blocks, chosen by a hash of the block number (every 7th
# block only half), so the data is scattered. Default: 4 GiB with 1.9 GiB of data and 16 GiB with
# 2.3 GiB (it needs the image plus two outputs of free disk): peak memory must not grow with the size.
# qemu-img convert's default cache mode for the output is `unsafe`: it never fsyncs. srrescue
# fsyncs its output before reporting success, so qemu-img is also timed with `-t writeback`
# (flush on close): the same durability.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
load=$(cut -d" " -f1-3 /proc/loadavg)
runs=${1:-5}
shift || true
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(4:50 16:15)
out=bench/out
mkdir -p "$out"
cli=$(srrescue_command)

table=$(mktemp)
for spec in "${images[@]}"; do
  img=$(make_vhd "${spec%:*}" "${spec#*:}")
  ours=$(mktemp) wb=$(mktemp) unsafe=$(mktemp)
  for _ in $(seq "$runs"); do
    # At most two outputs on disk at a time: each qemu output is compared with ours, then removed.
    run_once "$out/ours.raw" $cli vhd convert "$img" -o "$out/ours.raw" --format raw >>"$ours"
    run_once "$out/qemu.raw" qemu-img convert -t writeback -f vpc -O raw "$img" "$out/qemu.raw" >>"$wb"
    cmp "$out/ours.raw" "$out/qemu.raw" || { echo "outputs differ for $img" >&2; exit 1; }
    run_once "$out/qemu.raw" qemu-img convert -f vpc -O raw "$img" "$out/qemu.raw" >>"$unsafe"
    cmp "$out/ours.raw" "$out/qemu.raw" || { echo "outputs differ for $img" >&2; exit 1; }
    rm -f "$out/qemu.raw"
  done
  virtual=$(( $(qemu-img info -f vpc --output=json "$img" | grep -o '"virtual-size": [0-9]*' | grep -o '[0-9]*$') >> 20 ))
  file=$(( $(stat -c %s "$img") >> 20 ))
  data=$(( $(du -k "$out/ours.raw" | cut -f1) >> 10 ))
  printf '| %s MiB virtual, %s MiB file, %s MiB data | %s | %s | %s | identical |\n' "$virtual" "$file" "$data" \
    "$(summary <"$ours")" "$(summary <"$wb")" "$(summary <"$unsafe")" | tee -a "$table"
  rm -f "$ours" "$wb" "$unsafe" "$out/ours.raw"
done

{
  echo
  echo "### $(date -u +%Y-%m-%d): $(nproc) cores, $(qemu-img --version | head -n1 | cut -d' ' -f1-3), median of $runs runs, load average at the start: $load"
  echo
  echo "| dynamic VHD (qemu-img + qemu-io) | srrescue vhd convert --format raw (fsync) | qemu-img convert -t writeback (fsync) | qemu-img convert (cache=unsafe, no fsync) | outputs |"
  echo "|---|---|---|---|---|"
  cat "$table"
} >> bench/README.md
rm -f "$table"
