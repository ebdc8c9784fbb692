#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a fixed number of executions.
#
# Usage: Tests/Fuzz/run.sh [--runs N] [TARGET...]
#
# TARGET is one of IDX, CIFAR, PNG, Numpy, EventLog, Theme and CommandLine (default
# all). N defaults to 1000000 executions per target. Each target starts from its
# seeds in Tests/Fuzz/corpus/TARGET and keeps the inputs it finds in
# BUILD/corpus/TARGET, where BUILD is $LEPTON_FUZZ_BUILD (default .build/fuzz), so
# later runs continue from them. A crashing input is written to BUILD/crashes/TARGET/.
# Exits non-zero when a target fails to build, crashes, leaks, times out or exceeds
# the memory limit.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
fuzz_dir="$root/Tests/Fuzz"
build_dir="${LEPTON_FUZZ_BUILD:-$root/.build/fuzz}"
export LEPTON_FUZZ_BUILD="$build_dir"
# The Swift runtime's crash backtracer reads the crashed process's memory in a way that
# AddressSanitizer reports as a wild read, which hid the real trap. Without it, libFuzzer
# prints the stack of the trap itself.
export SWIFT_BACKTRACE=enable=no

runs=1000000
targets=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --runs)
      if [ "$#" -lt 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
        echo "run.sh: --runs needs a whole number of executions, such as --runs 20000" >&2
        exit 2
      fi
      runs="$2"
      shift 2
      ;;
    -h | --help)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      targets+=("$1")
      shift
      ;;
  esac
done
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(IDX CIFAR PNG Numpy EventLog Theme CommandLine)
fi

"$fuzz_dir/build.sh" "${targets[@]}"

# CIFAR records are 3073 or 3074 bytes, so the inputs must hold two of them.
max_length() {
  case "$1" in
    CIFAR) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

summary=()
failed=()
for target in "${targets[@]}"; do
  corpus="$build_dir/corpus/$target"
  crashes="$build_dir/crashes/$target"
  log="$build_dir/logs/$target.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  echo "run.sh: fuzzing $target for $runs executions (log: $log)"
  start=$(date +%s.%N)
  status=0
  # -timeout makes an input that runs for more than 10 s a failure (a hang).
  "$build_dir/${target}Fuzzer" "$corpus" "$fuzz_dir/corpus/$target" \
    -runs="$runs" -max_len="$(max_length "$target")" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1 || status=$?
  end=$(date +%s.%N)
  seconds=$(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.1f", end - start }')
  executions=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$log")
  # libFuzzer's own average_exec_per_sec divides by whole seconds, so runs shorter than
  # a second show 0. This rate includes the start-up and the seed corpus.
  rate=$(awk -v runs="${executions:-0}" -v seconds="$seconds" \
    'BEGIN { if (seconds > 0) printf "%.0f", runs / seconds; else print "?" }')
  if [ "$status" -ne 0 ]; then
    failed+=("$target")
    echo "run.sh: $target failed with status $status; the end of its log:" >&2
    tail -n 40 "$log" >&2
    echo "run.sh: crashing inputs are in $crashes" >&2
  fi
  summary+=("$(printf '%-12s %10s %10s %9s  %s' "$target" "${executions:-?}" "${rate:-?}" \
    "$seconds" "$([ "$status" -eq 0 ] && echo ok || echo "FAILED ($status)")")")
done

printf '%-12s %10s %10s %9s  %s\n' target executions "exec/s" seconds result
printf '%s\n' "${summary[@]}"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "run.sh: failed targets: ${failed[*]}" >&2
  exit 1
fi
