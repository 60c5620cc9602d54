#!/bin/sh
# Publishes srrescue as one file that runs without .NET, for each runtime asked:
#   build/publish.sh [RID...]        (default: linux-x64; also win-x64, osx-arm64, linux-arm64 ...)
# Output: dist/<rid>/srrescue (srrescue.exe for win-*). The csproj chooses how (see the
# RuntimeIdentifier group in src/SrRescue.Cli/SrRescue.Cli.csproj): Native AOT for this machine's
# own runtime (needs clang or gcc), self-contained single file with ReadyToRun code for the others.
set -eu
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- linux-x64
host_rid=$(dotnet --info | sed -n 's/^ *RID: *//p' | head -n1)

for rid in "$@"; do
  case $rid in
    win-*) program=srrescue.exe ;;
    *) program=srrescue ;;
  esac
  case $rid in
    "$host_rid")
      kind="Native AOT"
      if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1; then
        echo "publish.sh: Native AOT for $rid links with clang (or gcc): apt-get install -y clang" >&2
        exit 2
      fi ;;
    *) kind="self-contained single file, ReadyToRun" ;;
  esac

  # Publish into a staging folder; dist/<rid>/ then holds the program alone.
  stage=obj/publish/$rid
  rm -rf "$stage"
  start=$(date +%s)
  dotnet publish src/SrRescue.Cli -c Release -r "$rid" -o "$stage" --nologo -v quiet -clp:NoSummary
  seconds=$(( $(date +%s) - start ))
  if [ ! -f "$stage/$program" ]; then
    echo "publish.sh: dotnet publish for $rid did not make $stage/$program" >&2
    exit 1
  fi
  mkdir -p "dist/$rid"
  rm -f "dist/$rid/$program"
  cp "$stage/$program" "dist/$rid/$program"
  bytes=$(wc -c < "dist/$rid/$program" | tr -d ' ')
  echo "$rid: dist/$rid/$program, $bytes bytes ($(( (bytes + 524288) / 1048576 )) MiB), $kind, published in ${seconds}s"
done
