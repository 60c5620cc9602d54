#!/usr/bin/env bash
# Whether two builds of the CLI carve the same (a change meant to keep every map: memory, speed):
# each source set is carved by both, once from the image files and once through read-only loop
# devices with --no-pv-search (a block device tells no holes, as a LUN); the JSON on stdout, the
# exit code and every file written (report, LVM text, VHDs) must be the same byte for byte, but
# for the times of writing (the LVM text's creation_time, each VHD footer's timestamp and checksum).
#   sudo bench/carve-same-as.sh OLD_CLI_DIR NEW_CLI_DIR SOURCE[,SOURCE...]...
# A CLI_DIR holds SrRescue.Cli.dll (e.g. `dotnet build -c Release src/SrRescue.Cli -o DIR` at an
# older commit); a comma joins the PVs of one VG. Prints one line per carve; exits 1 on a difference.
set -euo pipefail
old=$1 new=$2
shift 2
work=$(mktemp -d)
devs=()
cleanup() {
  for d in "${devs[@]}"; do losetup -d "$d"; done
  rm -rf "$work"
}
trap cleanup EXIT

# digest CLI_DIR NAME SOURCES...: carves into $work/NAME/out, prints the exit code and one digest of all it wrote.
digest() {
  local cli=$1 name=$2 rc=0
  shift 2
  mkdir -p "$work/$name"
  (cd "$work/$name" && rm -rf out && nice -n 10 dotnet "$cli/SrRescue.Cli.dll" carve "$@" -o out --json > stdout.json 2> stderr.txt) || rc=$?
  echo "$rc $(cd "$work/$name" && for f in stdout.json out/*; do echo "$f"; timeless "$f"; done | sha256sum | cut -c1-16)"
}

# timeless FILE: its sha256 without the times of writing.
timeless() {
  case $1 in
    *.vg) sed 's/creation_time = [0-9]*/creation_time = T/' "$1" | sha256sum ;;
    *.vhd) python3 -c '
import hashlib, os, sys
h, size = hashlib.sha256(), os.path.getsize(sys.argv[1])
with open(sys.argv[1], "rb") as f:
    at = 0
    while chunk := bytearray(f.read(1 << 20)):
        for footer in (0, size - 512):  # the footer copy and the footer: timestamp (24) and checksum (64)
            for o in (*range(footer + 24, footer + 28), *range(footer + 64, footer + 68)):
                if at <= o < at + len(chunk):
                    chunk[o - at] = 0
        h.update(chunk)
        at += len(chunk)
print(h.hexdigest())' "$1" ;;
    *) sha256sum < "$1" ;;
  esac
}

differ=0
for set in "$@"; do
  IFS=, read -r -a files <<< "$set"
  sources=()
  for f in "${files[@]}"; do sources+=("$(realpath "$f")"); done
  loops=()
  for f in "${sources[@]}"; do
    d=$(losetup -r -f --show "$f")
    devs+=("$d")
    loops+=("$d")
  done
  for how in files loop; do
    if [ $how = files ]; then args=("${sources[@]}"); else args=("${loops[@]}" --no-pv-search); fi
    a=$(digest "$(realpath "$old")" old "${args[@]}")
    b=$(digest "$(realpath "$new")" new "${args[@]}")
    same=same
    if [ "$a" != "$b" ]; then same=DIFFERENT; differ=1; fi
    printf '%-9s %-5s old %s new %s  %s\n' "$same" "$how" "$a" "$b" "$set"
    if [ "$same" = DIFFERENT ]; then diff <(jq . "$work/old/stdout.json") <(jq . "$work/new/stdout.json") | head -20 || true; fi
  done
  for d in "${loops[@]}"; do losetup -d "$d"; done
  devs=()
done
exit $differ
