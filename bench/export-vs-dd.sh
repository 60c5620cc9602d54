#!/usr/bin/env bash
# Times srrescue's copies against dd copying the same bytes, in the same run, taking turns, each
# run after a `sync`, every output fsync'd (dd with conv=fsync, as srrescue does):
#   export --lv NAME --format lv   against  dd of the LV's bytes out of the image
#   export --vdi UUID --format raw against  dd of the same LV's bytes (the VHD the VDI is stored in)
#   vhd convert FILE --format raw  against  dd of the VHD file
# prints the medians, the CPU time, the peak memory and the ratio srrescue / dd.
#   sudo bench/export-vs-dd.sh [runs] [size_gib:percent_of_blocks_written]   (root: lvm2 on a loop device)
# Image (made once in bench/out/): an SR made by lvm2 (VG_XenStorage-<uuid>, 4 MiB extents) with one
# VHD LV holding a dynamic VHD from bench/lib.sh's make_vhd (qemu-img + qemu-io: the given share of
# the 2 MiB blocks written, scattered). SRRESCUE=path runs a published srrescue (build/publish.sh)
# instead of `dotnet bench/out/cli/SrRescue.Cli.dll`.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
load=$(cut -d" " -f1-3 /proc/loadavg)
runs=${1:-5}
spec=${2:-4:50}
out=bench/out
mkdir -p "$out"
cli=$(srrescue_command)
export LVM_SUPPRESS_FD_WARNINGS=1

vhd=$(make_vhd "${spec%:*}" "${spec#*:}")
vdi=6b1e4c2a-55d3-4b8e-9c71-0f2a9d3e8b41
lv=VHD-$vdi
img=$out/export-sr-${spec%:*}g-${spec#*:}pct.img
lvm_conf="global{activation=0} backup{backup=0 archive=0}"
if [ ! -f "$img" ]; then
  vhd_bytes=$(stat -c %s "$vhd")
  truncate -s $(( vhd_bytes + (64 << 20) )) "$img.part"
  loop=$(losetup -f --show "$img.part")
  trap 'losetup -d "$loop"' EXIT
  lvm() { command "$1" -q --devices "$loop" --config "$lvm_conf" "${@:2}"; }
  lvm pvcreate "$loop" >/dev/null
  lvm vgcreate -s 4M VG_XenStorage-0d6b8c3e-bench "$loop" >/dev/null
  lvm lvcreate -an -Zn -n "$lv" -L "$(( (vhd_bytes + (4 << 20) - 1) >> 20 ))M" VG_XenStorage-0d6b8c3e-bench >/dev/null
  # Where lvm2 put the LV (one segment): pe_start + first extent * extent size, and its length.
  pe_start=$(lvm pvs --noheadings --units b --nosuffix -o pe_start "$loop" | tr -d ' ')
  extent=$(lvm vgs --noheadings --units b --nosuffix -o vg_extent_size | tr -d ' ')
  range=$(lvm lvs --noheadings -o seg_pe_ranges "VG_XenStorage-0d6b8c3e-bench/$lv" | tr -d ' ')
  first=${range#*:}; first=${first%-*}
  size=$(lvm lvs --noheadings --units b --nosuffix -o lv_size "VG_XenStorage-0d6b8c3e-bench/$lv" | tr -d ' ')
  losetup -d "$loop"
  trap - EXIT
  echo "$(( pe_start + first * extent )) $size" > "$img.segment"
  dd if="$vhd" of="$img.part" bs=4M oflag=seek_bytes seek="$(( pe_start + first * extent ))" conv=notrunc,fsync status=none
  mv "$img.part" "$img"
fi
read -r offset length < "$img.segment"

dd_lv=(dd if="$img" of="$out/dd.out" bs=4M iflag=skip_bytes,count_bytes skip="$offset" count="$length" conv=fsync status=none)
dd_vhd=(dd if="$vhd" of="$out/dd.out" bs=4M conv=fsync status=none)
rows=$(mktemp)
compare() { # $1 = label, $2 = srrescue's output file; the rest: "--" srrescue args "--" dd command
  local label=$1 target=$2 ours theirs
  shift 2
  ours=$(mktemp) theirs=$(mktemp)
  local args=() dd=() seen=0
  for a in "$@"; do
    if [ "$a" = "--" ]; then seen=$((seen + 1)); continue; fi
    if [ $seen -eq 1 ]; then args+=("$a"); else dd+=("$a"); fi
  done
  for _ in $(seq "$runs"); do
    run_once "$target" $cli "${args[@]}" >>"$ours"
    run_once "$out/dd.out" "${dd[@]}" >>"$theirs"
  done
  rm -f "$target" "$out/dd.out"
  printf '| %s | %s | %s | %s |\n' "$label" "$(summary <"$ours")" "$(summary <"$theirs")" "$(ratio "$ours" "$theirs")" | tee -a "$rows"
  rm -f "$ours" "$theirs"
}

compare "export --lv (LV bytes, $((length >> 20)) MiB)" "$out/ours.lv" -- export "$img" --lv "$lv" --format lv -o "$out/ours.lv" -- "${dd_lv[@]}"
compare "export --vdi --format raw ($(( $(stat -c %s "$vhd") >> 20 )) MiB VHD)" "$out/ours.raw" -- export "$img" --vdi "$vdi" --format raw -o "$out/ours.raw" -- "${dd_lv[@]}"
compare "vhd convert --format raw (the same VHD as a file)" "$out/ours.raw" -- vhd convert "$vhd" --format raw -o "$out/ours.raw" -- "${dd_vhd[@]}"

{
  echo
  echo "### $(date -u +%Y-%m-%d): $(nproc) cores, median of $runs runs, $(basename "$cli" | cut -d' ' -f1), load average at the start: $load"
  echo
  echo "| srrescue command | srrescue | dd (conv=fsync) | srrescue / dd (wall) |"
  echo "|---|---|---|---|"
  cat "$rows"
} | tee -a "$out/export-vs-dd.md"
rm -f "$rows"
