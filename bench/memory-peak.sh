#!/usr/bin/env bash
# Issue 14: the peak memory (RSS, /usr/bin/time %M) of every srrescue command on a large SR, beside
# the standard tool's where there is one (pvck, lvs, vhdiinfo, qemu-img). Needs root (loop device,
# lvm2), qemu-utils, libvhdi-utils.
#   bench/memory-peak.sh [GIB [RAW_LVS [CHAIN_DEPTH]]]      defaults: 2560 16000 30
#   ONLY='restore-metadata|show-metadata' bench/memory-peak.sh  only the rows whose label matches (a bash regex)
# The SR is made once in bench/out/large (bench/make-large-sr, the tests' LargeSr generator: real
# lvm2, a metadata text of 5.6 MiB, a chain of 2 TiB VHDs at the end of the PV), with the chain's
# VHDs copied out as files, and QCOW2 images made by qemu-img (4 TiB virtual, 4 KiB clusters: a
# 16 MiB L1 table, and a child of it). Every command's output goes to bench/out/large/runs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
gib=${1:-2560} lvs_count=${2:-16000} depth=${3:-30}
out=bench/out/large
runs=$out/runs
srrescue=$(srrescue_command)
export LVM_SUPPRESS_FD_WARNINGS=1
cfg='global{activation=0} backup{backup=0 archive=0}'

if [ ! -f "$out/large-sr.json" ]; then
  mkdir -p "$out"
  dotnet build -c Release bench/make-large-sr -o bench/out/make-large-sr >/dev/null
  dotnet bench/out/make-large-sr/make-large-sr.dll "$out" "$gib" "$lvs_count" "$depth"
fi
json() { sed -E "s/.*\"$1\":\"?([^\",}]*)\"?.*/\1/" "$out/large-sr.json"; }
img=$out/large-sr.img leaf=$(json leaf) removed=$(json removed_leaf) removed_at=$(json removed_at_seqno)
if [ ! -d "$out/files" ]; then
  mkdir -p "$out/files.part"
  for uuid in $(sed -E 's/.*"chain":\[([^]]*)\].*/\1/; s/[",]/ /g' "$out/large-sr.json"); do
    $srrescue export "$img" --lv "VHD-$uuid" -o "$out/files.part/VHD-$uuid" >/dev/null
  done
  qemu-img create -q -f qcow2 -o cluster_size=4096 "$out/files.part/base.qcow2" 4T
  qemu-io -f qcow2 -c 'write -P 0x11 0 1M' -c 'write -P 0x12 3T 1M' "$out/files.part/base.qcow2" >/dev/null
  qemu-img create -q -f qcow2 -o cluster_size=4096 -b base.qcow2 -F qcow2 "$out/files.part/child.qcow2"
  qemu-io -f qcow2 -c 'write -P 0x21 2T 1M' "$out/files.part/child.qcow2" >/dev/null
  mv "$out/files.part" "$out/files"
fi
files=$out/files

# A capture of the SR for plan dom0's steps 2 and 3: the image itself, its head in the manifest.
head_sum=$(head -c 16777216 "$img" | sha256sum | cut -d' ' -f1)
printf 'srrescue-capture 1\ndevice /dev/sdb\nsize %s\nrange 0 16777216 %s head\n' "$(stat -c %s "$img")" "$head_sum" >"$img.manifest"

rm -rf "$runs"; mkdir -p "$runs"
loop=$(losetup -r -f --show "$img")
trap 'losetup -d "$loop"' EXIT

# Whether the row labelled $1 is run ($ONLY unset, or matching it).
wanted() { [ -z "${ONLY:-}" ] || [[ $1 =~ $ONLY ]]; }

# $1 = label, rest = command; prints "label | peak MiB | wall s | exit".
peak() {
  local label=$1 tf rc
  shift
  wanted "$label" || return 0
  tf=$(mktemp)
  set +e
  /usr/bin/time -o "$tf" -f "%M %e" "$@" >"$runs/$(echo "$label" | tr ' /' '__').out" 2>&1
  rc=$?
  set -e
  printf '| %s | %s MiB | %s s | %s |\n' "$label" "$(awk 'END {printf "%d", $1 / 1024}' "$tf")" "$(awk 'END {print $2}' "$tf")" "$rc"
  rm -f "$tf"
}

echo "| command | peak RSS | wall | exit |"
echo "|---|---|---|---|"
peak "scan" $srrescue scan "$img" --json
peak "list" $srrescue list "$img" --json
peak "history" $srrescue history "$img" --json
peak "doctor" $srrescue doctor "$img" --json
peak "show-metadata" $srrescue show-metadata "$img" --seqno "$removed_at" --json
peak "show-metadata (text)" $srrescue show-metadata "$img" --seqno "$removed_at"
peak "diff" $srrescue diff "$img" --from $((removed_at - 1)) --to "$removed_at" --json
peak "restore-metadata" $srrescue restore-metadata "$img" --seqno $((removed_at - 1)) -o "$runs/restore.vg" --json
peak "export --lv" $srrescue export "$img" --lv "VHD-$leaf" -o "$runs/leaf.lv" --json
peak "export --vdi --format raw" $srrescue export "$img" --vdi "$leaf" --format raw -o "$runs/leaf.raw" --json
peak "export --vdi --format vhd" $srrescue export "$img" --vdi "$leaf" --format vhd -o "$runs/leaf.vhd" --json
peak "export --vdi (removed)" $srrescue export "$img" --vdi "$removed" -o "$runs/removed.vhd" --json
peak "partitions" $srrescue partitions "$img" --json
peak "partitions --find" $srrescue partitions "$img" --find --json
peak "vhd info" $srrescue vhd info "$files/VHD-$leaf" --json
peak "vhd check" $srrescue vhd check "$files/VHD-$leaf" --json
peak "vhd repair" $srrescue vhd repair "$files/VHD-$leaf" -o "$runs/repaired.vhd" --json
peak "vhd convert --format raw" $srrescue vhd convert "$files/VHD-$leaf" --format raw -o "$runs/convert.raw" --json
peak "vhd convert --format vhd" $srrescue vhd convert "$files/VHD-$leaf" --format vhd -o "$runs/convert.vhd" --json
peak "qcow2 info" $srrescue qcow2 info "$files/child.qcow2" --json
peak "qcow2 check" $srrescue qcow2 check "$files/child.qcow2" --json
peak "qcow2 convert --format raw" $srrescue qcow2 convert "$files/child.qcow2" --format raw -o "$runs/qcow2.raw" --json
peak "plan dom0 (step 2)" $srrescue plan dom0 "$img" -o "$runs/step2.sh" --json
peak "plan dom0 --all (step 3)" $srrescue plan dom0 "$img" --all -o "$runs/step3.sh" --json
# serve: the leaf's disk through its chain, read whole (holes skipped) by nbdcopy, then stopped by
# SIGTERM to the server's own process id (the child of /usr/bin/time).
if wanted "serve --vdi (nbdcopy reads it)"; then
  sock=$runs/serve.sock tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%M %e" $srrescue serve "$img" --vdi "$leaf" --socket "$sock" --json >"$runs/serve.out" 2>&1 &
  tpid=$!
  for i in $(seq 1 300); do [ -S "$sock" ] && break; sleep 0.2; done
  nbdcopy "nbd+unix:///?socket=$sock" null: || echo "nbdcopy failed" >&2
  kill -TERM "$(pgrep -P "$tpid")"
  set +e; wait "$tpid"; rc=$?; set -e
  printf '| %s | %s MiB | %s s | %s |\n' "serve --vdi (nbdcopy reads it)" "$(awk 'END {printf "%d", $1 / 1024}' "$tf")" "$(awk 'END {print $2}' "$tf")" "$rc"
  rm -f "$tf"
fi

echo
echo "| standard tool | peak RSS | wall | exit |"
echo "|---|---|---|---|"
peak "pvck --dump metadata_search" pvck --dump metadata_search --config "$cfg devices{use_devicesfile=0 filter=[\"a|^$loop\$|\",\"r|.*|\"]}" "$loop"
peak "lvs" lvs --devices "$loop" --config "$cfg" -a
peak "vhdiinfo" vhdiinfo "$files/VHD-$leaf"
peak "qemu-img info --backing-chain (vpc)" qemu-img info -f vpc "$files/VHD-$leaf"
peak "qemu-img convert -O raw (vpc)" qemu-img convert -f vpc -O raw "$files/VHD-$leaf" "$runs/qemu-vpc.raw"
peak "qemu-img info --backing-chain (qcow2)" qemu-img info --backing-chain "$files/child.qcow2"
peak "qemu-img check (qcow2)" qemu-img check "$files/child.qcow2"
peak "qemu-img convert -O raw (qcow2)" qemu-img convert -O raw "$files/child.qcow2" "$runs/qemu-qcow2.raw"
