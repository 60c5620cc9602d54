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
load=$(cut -d" " -f1-3 /proc/loadavg)
runs=${1:-5}
shift || true
images=("$@")
[ ${#images[@]} -gt 0 ] || images=(4:50 16:15)
out=bench/out
mkdir -p "$out"
dotnet build -c Release src/SrRescue.Cli -o "$out/cli" >/dev/null
cli="dotnet $out/cli/SrRescue.Cli.dll"

make_image() { # $1 = size in GiB, $2 = percent of blocks written; prints the path
  local gib=$1 pct=$2 img="$out/convert-${1}g-${2}pct.vhd"
  if [ ! -f "$img" ]; then
    qemu-img create -q -f vpc "$img.part" "${gib}G"
    awk -v blocks=$((gib * 512)) -v pct="$pct" 'BEGIN {
      for (i = 0; i < blocks; i++) {
        h = (i * 2654435761) % 4294967296
        if (h < 4294967296 * pct / 100) {
          len = (i % 7 == 0) ? 1048576 : 2097152
          printf "write -P 0x%02x %.0f %d\n", (i % 255) + 1, i * 2097152, len
        }
      }
    }' | qemu-io -f vpc "$img.part" >/dev/null
    mv "$img.part" "$img"
  fi
  echo "$img"
}

run_once() { # $1 = output (removed first), rest = command; prints "wall_s max_rss_kib user_s sys_s"
  local target=$1 tf
  shift
  rm -f "$target"
  sync # nobody's dirty pages from the run before slow down this one's writes
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %M %U %S" "$@" >/dev/null 2>&1 || { cat "$tf" >&2; echo "failed: $*" >&2; exit 1; }
  tail -n1 "$tf"
  rm -f "$tf"
}

summary() { # reads run_once lines; prints "median wall s (cpu median user+sys s), max MiB"
  local f wall cpu mem
  f=$(mktemp)
  cat >"$f"
  wall=$(cut -d' ' -f1 "$f" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(awk '{printf "%.2f\n", $3 + $4}' "$f" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mem=$(awk '$2 > m {m = $2} END {print int(m / 1024)}' "$f")
  rm -f "$f"
  printf '%s s (cpu %s s), %s MiB' "$wall" "$cpu" "$mem"
}

table=$(mktemp)
for spec in "${images[@]}"; do
  img=$(make_image "${spec%:*}" "${spec#*:}")
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
