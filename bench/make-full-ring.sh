#!/usr/bin/env bash
# Makes bench/out/full-ring.img: a PV with XenServer's 10 MiB metadata area whose ring has been
# filled and wrapped by real lvm2 metadata writes (thousands of copies), to time `history` on the
# worst case. Needs root (loop device) and lvm2. Takes a few minutes; the result is reused.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p out
img=out/full-ring.img
[ -f "$img" ] && { echo "$img exists"; exit 0; }
export LVM_SUPPRESS_FD_WARNINGS=1
truncate -s 2G "$img.part"
loop=$(losetup -f --show "$img.part")
trap 'losetup -d "$loop"' EXIT
cfg='global{activation=0} backup{backup=0 archive=0}'
lvm() { "$@" --devices "$loop" --config "$cfg" >/dev/null 2>&1; }
vg=VG_XenStorage-3f6c1a52-9a1e-4c6b-8d0e-5b8f1b2c4d6e
lvm vgcreate --metadatasize 10M "$vg" "$loop"
# Keep about 24 LVs alive so each copy is several KiB, as on a busy SR; churn until the ring wraps.
for i in $(seq 1 24); do lvm lvcreate -an -Zn -Wn -L 4M -n "VHD-$(cat /proc/sys/kernel/random/uuid)" "$vg"; done
for i in $(seq 1 2600); do
  name="VHD-$(cat /proc/sys/kernel/random/uuid)"
  lvm lvcreate -an -Zn -Wn -L 4M -n "$name" "$vg"
  lvm lvremove -f "$vg/$name"
done
losetup -d "$loop"; trap - EXIT
mv "$img.part" "$img"
echo "made $img"
