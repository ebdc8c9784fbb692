#!/usr/bin/env bash
# Builds the libFuzzer targets in Tests/Fuzz with AddressSanitizer.
#
# Usage: Tests/Fuzz/build.sh [TARGET...]
#
# SwiftPM cannot build libFuzzer binaries, so this script compiles each library
# module of the package with swiftc into a .swiftmodule and one object file,
# instrumented for libFuzzer's coverage feedback and for AddressSanitizer, then
# links each harness against them. The package's own build is unchanged.
# Output goes to $LEPTON_FUZZ_BUILD (default .build/fuzz), one binary per target
# named after its harness: IDXFuzzer, CIFARFuzzer and so on.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
fuzz_dir="$root/Tests/Fuzz"
build_dir="${LEPTON_FUZZ_BUILD:-$root/.build/fuzz}"
mkdir -p "$build_dir/modules"

all_targets=(IDX CIFAR PNG Numpy EventLog Theme CommandLine)
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=("${all_targets[@]}")
fi
for target in "${targets[@]}"; do
  if [ ! -f "$fuzz_dir/${target}Fuzzer.swift" ]; then
    echo "build.sh: unknown target $target; known targets: ${all_targets[*]}" >&2
    exit 2
  fi
done

# -O keeps Swift's bounds and overflow checks, which turn memory errors into traps
# that libFuzzer reports as crashes. -enable-testing lets the harnesses reach
# internal parsers through @testable import.
common_flags=(
  -swift-version 6 -O -g -enable-testing
  -sanitize=address -sanitize=fuzzer
  -I "$build_dir/modules"
)
for library in CDNNL CNCurses CPNG CZlib; do
  common_flags+=(-Xcc "-fmodule-map-file=$root/Sources/$library/module.modulemap")
done
link_flags=(-use-ld=lld -lz -lpng16 -ldnnl -lncursesw)

# Compiles Sources/$1 into modules/$1.swiftmodule and modules/$1.o. A module is
# skipped when its object is newer than its sources and than the objects of the
# modules built before it, which include every module it imports.
module_objects=()
is_up_to_date() {
  local object="$1" module="$2"
  [ -f "$object" ] || return 1
  [ -z "$(find "$root/Sources/$module" -name '*.swift' -newer "$object")" ] || return 1
  local earlier
  for earlier in "${module_objects[@]}"; do
    [ "$earlier" -nt "$object" ] && return 1
  done
  return 0
}
build_module() {
  local module="$1"
  shift
  local object="$build_dir/modules/$module.o"
  local sources=()
  while IFS= read -r -d '' file; do
    sources+=("$file")
  done < <(find "$root/Sources/$module" -name '*.swift' -print0 | sort -z)
  if ! is_up_to_date "$object" "$module"; then
    echo "build.sh: compiling module $module"
    swiftc "${common_flags[@]}" "$@" -module-name "$module" -wmo \
      -emit-module -emit-module-path "$build_dir/modules/$module.swiftmodule" \
      -c -o "$object" "${sources[@]}"
  fi
  module_objects+=("$object")
}

build_module LeptonMetrics -parse-as-library
build_module LeptonEngine -parse-as-library
build_module LeptonRuns -parse-as-library
build_module LeptonRender -parse-as-library
build_module LeptonTUI -parse-as-library
# The executable's main.swift has top-level code. Renaming its entry point, as
# SwiftPM does for testable executables, leaves `main` to libFuzzer.
build_module lepton -Xfrontend -entry-point-function-name -Xfrontend lepton_main

for target in "${targets[@]}"; do
  harness="$fuzz_dir/${target}Fuzzer.swift"
  echo "build.sh: linking ${target}Fuzzer"
  swiftc "${common_flags[@]}" -parse-as-library -module-name "${target}Fuzzer" \
    -o "$build_dir/${target}Fuzzer" "$harness" "$fuzz_dir/FuzzSupport.swift" \
    "${module_objects[@]}" "${link_flags[@]}"
done
