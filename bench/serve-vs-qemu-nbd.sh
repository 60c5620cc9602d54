#!/usr/bin/env bash
# Read throughput of `srrescue serve` against `qemu-nbd --read-only` serving the same bytes, read
# by the same clients over a unix socket, warm page cache, taking turns run by run; median of N.
#   sudo bench/serve-vs-qemu-nbd.sh [runs] [size_gib]        (root: loop device and lvm2)
# Data: SIZE GiB of random bytes (no holes: every byte goes over the socket), made once in bench/out/:
#   raw LV: an SR image (lvm2 on a loop device, VG_XenStorage-*, one LV-<uuid>) with the bytes
#           written at the LV's extents; serve --lv LV-<uuid> against qemu-nbd -f raw --offset.
#   VHD:    the same bytes as a dynamic VHD (qemu-img convert -O vpc); serve FILE.vhd against qemu-nbd -f vpc.
# Clients: nbdcopy URI null: (4 connections when the server allows several, as both do here) and
#          qemu-img convert -n -f raw --target-image-opts URI driver=null-co,size=... (one connection, writes nowhere).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
runs=${1:-5}
gib=${2:-2}
uuid=5e7c0a11-0000-4000-8000-00000000b0b0
vg=VG_XenStorage-$uuid
lvm_cfg='global{activation=0} backup{backup=0 archive=0}'
mkdir -p bench/out
data=bench/out/serve-$gib.random
img=bench/out/serve-$gib.img
vhd=bench/out/serve-$gib.vhd
if [ ! -f "$data" ]; then head -c "${gib}G" /dev/urandom > "$data"; fi
if [ ! -f "$img" ]; then
  truncate -s "$((gib * 1024 + 64))M" "$img"
  loop=$(losetup -f --show "$img")
  trap 'losetup -d "$loop"' EXIT
  pvcreate -q --devices "$loop" --config "$lvm_cfg" "$loop"
  vgcreate -q --devices "$loop" --config "$lvm_cfg" -s 4M "$vg" "$loop"
  lvcreate -q --devices "$loop" --config "$lvm_cfg" -an -Zn -L "${gib}G" -n "LV-$uuid" "$vg"
  pe_start=$(pvs --devices "$loop" --config "$lvm_cfg" --noheadings --units b --nosuffix -o pe_start "$loop" | tr -d ' ')
  ranges=$(lvs --devices "$loop" --config "$lvm_cfg" --noheadings -o seg_pe_ranges "$vg/LV-$uuid" | tr -d ' ')
  [ "$ranges" = "$loop:0-$((gib * 256 - 1))" ] || { echo "unexpected LV layout: $ranges"; exit 1; }
  losetup -d "$loop"; trap - EXIT
  dd if="$data" of="$img" bs=4M seek="$pe_start" oflag=seek_bytes conv=notrunc status=none
  echo "$pe_start" > "$img.pe_start"
fi
[ -f "$vhd" ] || qemu-img convert -f raw -O vpc -o subformat=dynamic "$data" "$vhd"
pe_start=$(cat "$img.pe_start")

srrescue=$(srrescue_command)   # SRRESCUE=dist/linux-x64/srrescue: the published program
sock=$(mktemp -d)
server=""
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=""; rm -f "$sock/s"; }
trap 'stop; rm -rf "$sock"' EXIT
start() { # what to serve... ; waits until it answers
  "$@" >/dev/null 2>&1 & server=$!
  for _ in $(seq 200); do nbdinfo --size "nbd+unix:///?socket=$sock/s" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "server did not start: $*"; exit 1
}
timed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "failed (server: $name): $*" >&2; exit 1; }; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
uri="nbd+unix:///?socket=$sock/s"
cat "$data" "$img" "$vhd" >/dev/null   # warm cache

declare -A servers=(
  ["srrescue serve --lv (raw LV)"]="$srrescue serve $img --lv LV-$uuid --socket $sock/s"
  ["qemu-nbd -f raw --offset (raw LV)"]="qemu-nbd --read-only --persistent --shared=8 --image-opts driver=raw,offset=$pe_start,size=$((gib << 30)),file.driver=file,file.filename=$img --socket=$sock/s"
  ["srrescue serve FILE.vhd"]="$srrescue serve $vhd --socket $sock/s"
  ["qemu-nbd -f vpc"]="qemu-nbd --read-only --persistent --shared=8 -f vpc --socket=$sock/s $vhd"
)
order=("srrescue serve --lv (raw LV)" "qemu-nbd -f raw --offset (raw LV)" "srrescue serve FILE.vhd" "qemu-nbd -f vpc")
declare -A times
for client in nbdcopy qemu-img; do
  for name in "${order[@]}"; do times["$client|$name"]=""; done
  for r in $(seq "$runs"); do
    for name in "${order[@]}"; do
      # shellcheck disable=SC2086
      start ${servers[$name]}
      if [ "$client" = nbdcopy ]; then t=$(timed nbdcopy "$uri" null:); else
        # The null target must be as large as what the server exports (a VHD's size is its CHS-rounded one).
        t=$(timed qemu-img convert -n -f raw --target-image-opts "$uri" "driver=null-co,size=$(nbdinfo --size "$uri")")
      fi
      stop
      times["$client|$name"]+="$t"$'\n'
    done
  done
done
echo "| server | nbdcopy URI null: | qemu-img convert URI null-co |"
echo "|---|---|---|"
for name in "${order[@]}"; do
  a=$(printf '%s' "${times[nbdcopy|$name]}" | median); b=$(printf '%s' "${times[qemu-img|$name]}" | median)
  printf '| %s | %.2f s (%.0f MiB/s) | %.2f s (%.0f MiB/s) |\n' "$name" "$a" "$(echo "$gib * 1024 / $a" | bc -l)" "$b" "$(echo "$gib * 1024 / $b" | bc -l)"
done
