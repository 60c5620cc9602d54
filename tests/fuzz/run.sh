#!/usr/bin/env bash
# The mutation harness beyond CI's cases: tests/fuzz/run.sh [CASES] [SEED] [JOBS] [FIRST]
# Runs MutationFuzzTests over cases FIRST..FIRST+CASES-1 of seed SEED (defaults 2000, 1, the number
# of cores, 0), split into JOBS test processes side by side. A long run in chunks of FIRST reports
# each chunk as it ends. A failure prints the case id
# ("seed S case N: ..."); replay it alone with
#   SRRESCUE_FUZZ_SEED=S SRRESCUE_FUZZ_FIRST=N SRRESCUE_FUZZ_CASES=1 dotnet test tests/SrRescue.Tests --filter MutationFuzz
set -uo pipefail
cd "$(dirname "$0")/../.."
cases="${1:-2000}"
seed="${2:-1}"
jobs="${3:-$(nproc)}"
from="${4:-0}"
echo "mutation fuzz: seed $seed, cases $from..$((from + cases - 1)), $jobs jobs"
start=$(date +%s)
dotnet build tests/SrRescue.Tests -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
per=$(( (cases + jobs - 1) / jobs ))
pids=()
for j in $(seq 0 $((jobs - 1))); do
  offset=$(( j * per ))
  n=$(( cases - offset < per ? cases - offset : per ))
  first=$(( from + offset ))
  [ "$n" -le 0 ] && break
  SRRESCUE_FUZZ_SEED=$seed SRRESCUE_FUZZ_FIRST=$first SRRESCUE_FUZZ_CASES=$n \
    dotnet test tests/SrRescue.Tests --no-build --filter "FullyQualifiedName~MutationFuzzTests" > "/tmp/srrescue-fuzz-$seed-$j.log" 2>&1 &
  pids+=($!)
done
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
grep -h -E "seed $seed case [0-9]+" /tmp/srrescue-fuzz-$seed-*.log | sort -u
grep -h -E "Failed: +[0-9]+, Passed" /tmp/srrescue-fuzz-$seed-*.log
echo "seed $seed: $cases cases from $from in $(( $(date +%s) - start )) s, $([ $status -eq 0 ] && echo "no failure" || echo "FAILURES above")"
exit $status
