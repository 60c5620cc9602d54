#!/bin/sh
# Proves the published program needs no .NET: in a minimal Debian 12 root (debootstrap
# --variant=minbase, no .NET, no libssl, no libicu) that holds only dist/linux-x64/srrescue and
# fixture images, run `srrescue demo`, export a deleted VDI of the lost_vdi fixture as raw, and
# carve the sr_recreated fixture; the raw disks must have the raw_sha256 that blktap recorded in
# the fixtures' expected.json.
#   build/check-published.sh [PROGRAM]     (default dist/linux-x64/srrescue; run build/publish.sh first)
# Needs root (chroot), debootstrap and a Debian mirror (the one apt uses); the root is made once and
# kept in build/.cache/debian12-root (git-ignored). SRRESCUE_DEBIAN_MIRROR overrides the mirror.
set -eu
cd "$(dirname "$0")/.."
program=${1:-dist/linux-x64/srrescue}
deleted_vdi=d68a9ac7-a858-4141-aee8-93a9cec769fd   # lost_vdi's "dns01", deleted from the SR
carved_vdi=9bead5ea-497a-41ac-895f-2012ddd125e5    # sr_recreated: an LV of the SR that was re-created over it
cache=build/.cache
root=$cache/debian12-root

[ -f "$program" ] || { echo "check-published.sh: no $program; run build/publish.sh first" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "check-published.sh: chroot needs root" >&2; exit 2; }

# raw_sha256 FIXTURE UUID: the raw_sha256 line that follows the VDI's uuid line in expected.json.
raw_sha256() {
  awk -v uuid="\"$2\"" '$1 == "\"uuid\":" && $2 ~ uuid { found = 1 }
    found && $1 == "\"raw_sha256\":" { gsub(/[",]/, "", $2); print $2; exit }' "tests/fixtures/$1/expected.json"
}

if [ ! -x "$root/bin/sh" ]; then
  command -v debootstrap >/dev/null 2>&1 || { echo "check-published.sh: apt-get install -y debootstrap" >&2; exit 2; }
  mirror=${SRRESCUE_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(.*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)}
  mirror=${mirror:-http://deb.debian.org/debian}
  echo "making a minimal Debian 12 root in $root from $mirror (once)"
  rm -rf "$root.tmp"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$root.tmp" "$mirror" > "$cache/debootstrap.log" 2>&1 \
    || { echo "check-published.sh: debootstrap failed, see $cache/debootstrap.log" >&2; exit 1; }
  mv "$root.tmp" "$root"
fi

# What the root must not have, for the check to mean anything.
for absent in usr/bin/dotnet usr/share/dotnet usr/lib/dotnet; do
  [ ! -e "$root/$absent" ] || { echo "check-published.sh: $root has /$absent" >&2; exit 1; }
done

work=$root/rescue
rm -rf "$work"
mkdir -p "$work"
cp "$program" "$work/srrescue"
chmod +x "$work/srrescue"
for fixture in lost_vdi sr_recreated; do
  gzip -dc "tests/fixtures/$fixture/disk.img.gz" | cp --sparse=always /dev/stdin "$work/$fixture.img"
  chmod a-w "$work/$fixture.img"
done

mounted=
cleanup() { [ -z "$mounted" ] || umount "$root/proc" 2>/dev/null || true; }
trap cleanup EXIT
mount -t proc proc "$root/proc" && mounted=yes

# No .NET, no DOTNET_* variables, only the root's own PATH.
in_root() { env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$root" "$@"; }

failed=0
fail() { echo "FAIL: $*"; failed=1; }
# same_raw WHAT FILE FIXTURE UUID: FILE (inside the root) holds the VDI's raw disk.
same_raw() {
  expected=$(raw_sha256 "$3" "$4")
  actual=$(sha256sum "$root$2" 2>/dev/null | cut -d' ' -f1)
  if [ -n "$expected" ] && [ "$actual" = "$expected" ]; then
    echo "ok: $1: $4 has sha256 $actual as in tests/fixtures/$3/expected.json"
  else
    fail "$1: $4 has sha256 '${actual}', tests/fixtures/$3/expected.json says '${expected}'"
  fi
}

if in_root sh -c 'command -v dotnet' >/dev/null 2>&1; then fail "the root has a dotnet"; fi

if in_root sh -c 'cd /rescue && ./srrescue demo' > "$cache/demo.out" 2>&1 \
   && grep -q "The deleted snapshot is back as a self-contained VHD" "$cache/demo.out"; then
  echo "ok: srrescue demo"
else
  fail "srrescue demo, output in $cache/demo.out"
fi

if in_root /rescue/srrescue export /rescue/lost_vdi.img --vdi "$deleted_vdi" --format raw -o /rescue/exported.raw > "$cache/export.out" 2>&1; then
  same_raw "srrescue export --format raw" /rescue/exported.raw lost_vdi "$deleted_vdi"
else
  fail "srrescue export, output in $cache/export.out"
fi

# The carve derives LVM ids with SHA-256 (carved-lvs.vg); exit 1 is its "NOT SURE" (extents placed by allocation order) on this fixture.
in_root /rescue/srrescue carve /rescue/sr_recreated.img -o /rescue/carved --format raw > "$cache/carve.out" 2>&1 && status=0 || status=$?
if [ "$status" -le 1 ] && [ -s "$work/carved/carved-lvs.vg" ]; then
  same_raw "srrescue carve --format raw" "/rescue/carved/$carved_vdi.raw" sr_recreated "$carved_vdi"
else
  fail "srrescue carve exited $status, output in $cache/carve.out"
fi

rm -rf "$work"
[ "$failed" -eq 0 ] && echo "published program checked in a Debian 12 root without .NET: demo, export and carve pass"
exit "$failed"
