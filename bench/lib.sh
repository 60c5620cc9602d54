# Functions the bench scripts share (sourced, not run).

# The srrescue to time: $SRRESCUE (a published single file, build/publish.sh) or a Release build run by dotnet.
srrescue_command() {
  if [ -n "${SRRESCUE:-}" ]; then
    echo "$SRRESCUE"
  else
    dotnet build -c Release src/SrRescue.Cli -o bench/out/cli >/dev/null
    echo "dotnet bench/out/cli/SrRescue.Cli.dll"
  fi
}

# A dynamic VHD of $1 GiB with $2 % of its 2 MiB blocks written (chosen by a hash of the block
# number, every 7th only half), made once in bench/out by qemu-img and qemu-io; prints the path.
make_vhd() {
  local gib=$1 pct=$2 img="bench/out/convert-${1}g-${2}pct.vhd"
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

# $1 = output (removed first), rest = command; prints "wall_s max_rss_kib user_s sys_s".
run_once() {
  local target=$1 tf
  shift
  rm -f "$target"
  sync # nobody's dirty pages from the run before slow down this one's writes
  tf=$(mktemp)
  /usr/bin/time -o "$tf" -f "%e %M %U %S" "$@" >/dev/null 2>&1 || { cat "$tf" >&2; echo "failed: $*" >&2; exit 1; }
  tail -n1 "$tf"
  rm -f "$tf"
}

# Reads run_once lines; prints "median wall s (cpu median user+sys s), max MiB".
summary() {
  local f wall cpu mem
  f=$(mktemp)
  cat >"$f"
  wall=$(median_of 1 <"$f")
  cpu=$(awk '{printf "%.2f\n", $3 + $4}' "$f" | median_of 1)
  mem=$(awk '$2 > m {m = $2} END {print int(m / 1024)}' "$f")
  rm -f "$f"
  printf '%s s (cpu %s s), %s MiB' "$wall" "$cpu" "$mem"
}

# The median of column $1 of the lines read.
median_of() {
  cut -d' ' -f"$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# The ratio of the median wall times in run_once files $1 / $2.
ratio() {
  awk -v a="$(median_of 1 <"$1")" -v b="$(median_of 1 <"$2")" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'
}
