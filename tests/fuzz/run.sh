#!/usr/bin/env bash
# The mutation harness beyond CI's 72 cases: tests/fuzz/run.sh [CASES] [SEED]
# Runs MutationFuzzTests with SRRESCUE_FUZZ_CASES=CASES (default 2000) and SRRESCUE_FUZZ_SEED=SEED
# (default 1). A failure prints the case id ("seed S case N: ..."); replay it alone with
#   SRRESCUE_FUZZ_SEED=S SRRESCUE_FUZZ_FIRST=N SRRESCUE_FUZZ_CASES=1 dotnet test tests/SrRescue.Tests --filter MutationFuzz
set -euo pipefail
cd "$(dirname "$0")/../.."
export SRRESCUE_FUZZ_CASES="${1:-2000}"
export SRRESCUE_FUZZ_SEED="${2:-1}"
echo "mutation fuzz: seed $SRRESCUE_FUZZ_SEED, $SRRESCUE_FUZZ_CASES cases"
start=$(date +%s)
dotnet test tests/SrRescue.Tests --filter "FullyQualifiedName~MutationFuzzTests" --logger "console;verbosity=normal"
echo "done in $(( $(date +%s) - start )) s"
