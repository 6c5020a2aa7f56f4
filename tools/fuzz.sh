#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ and SharpFuzz (README, "Fuzzing").
#
#   tools/fuzz.sh TARGET SECONDS        TARGET: text, binary, graph, npy or forward
#
# Builds fuzz/CaffeNet.Fuzz, instruments a copy of CaffeNet.Core.dll, makes seeds from
# testdata/, fuzz/seeds/ and ../shared/corpus/, and runs afl-fuzz for SECONDS. A later run of
# the same target resumes its campaign (its queue and counts). Exits 1 if the campaign holds any
# crash or hang, after replaying each one to show what it is.
#
#   FUZZ_OUT         where builds and campaigns live (default fuzz/out); findings of TARGET are in
#                    $FUZZ_OUT/TARGET/findings/default/{crashes,hangs}
#   FUZZ_TIMEOUT_MS  an input running longer is a hang (default 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
targets="text binary graph npy forward"
if [ $# -ne 2 ] || ! grep -qw -- "$1" <<<"$targets" || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh TARGET SECONDS  (TARGET: ${targets// /, })" >&2
  exit 2
fi
target=$1 seconds=$2
out=$(mkdir -p "${FUZZ_OUT:-fuzz/out}" && cd "${FUZZ_OUT:-fuzz/out}" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v afl-fuzz >/dev/null; then
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y afl++
fi

# One build for all targets; campaigns started together wait for it. SharpFuzz instruments in
# place, so a copy of the library is instrumented, again only when the library has changed; the
# fuzzed copy is then swapped in whole, leaving running campaigns their files.
(
  flock 9
  dotnet build fuzz/CaffeNet.Fuzz -c Release -o "$out/plain" -nologo -v q
  if ! cmp -s "$out/plain/CaffeNet.Core.dll" "$out/core/plain.dll"; then
    rm -rf "$out/core"
    mkdir -p "$out/core"
    cp "$out/plain/CaffeNet.Core.dll" "$out/core/"
    # Our code only: not the classes protoc generates (CaffeNet.Proto), nor Google.Protobuf.
    (cd fuzz && dotnet tool restore >/dev/null &&
      dotnet tool run sharpfuzz "$out/core/CaffeNet.Core.dll" CaffeNet.Import CaffeNet.Graph CaffeNet.Runtime)
    cp "$out/plain/CaffeNet.Core.dll" "$out/core/plain.dll"
  fi
  rm -rf "$out/afl.new"
  cp -r "$out/plain" "$out/afl.new"
  cp "$out/core/CaffeNet.Core.dll" "$out/afl.new/"
  rm -rf "$out/afl"
  mv "$out/afl.new" "$out/afl"
) 9>"$out/.build.lock"

campaign=$out/$target
mkdir -p "$campaign"
rm -rf "$campaign/seeds"
dotnet "$out/plain/CaffeNet.Fuzz.dll" seeds "$target" "$campaign" fuzz/seeds testdata ../shared/corpus

# The container has no CPU frequency scaling to check, hands core dumps to no one AFL knows,
# and shares its cores. The target is `dotnet`, which AFL cannot see instrumented. A net needing
# more than 1 GiB is a finding (OutOfMemoryException), not a reason to swap.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_SKIP_BIN_CHECK=1 \
  AFL_NO_UI=1 AFL_AUTORESUME=1 AFL_FAST_CAL=1 DOTNET_GCHeapHardLimit=0x40000000
dict=()
[ -s "$campaign/dict" ] && dict=(-x "$campaign/dict")
afl-fuzz -i "$campaign/seeds" -o "$campaign/findings" -V "$seconds" -t "${FUZZ_TIMEOUT_MS:-5000}" "${dict[@]}" \
  -- "$(command -v dotnet)" "$out/afl/CaffeNet.Fuzz.dll" "$target" >"$campaign/afl.log" 2>&1 || {
  tail -n 30 "$campaign/afl.log" >&2
  echo "fuzz $target: afl-fuzz failed (log: $campaign/afl.log)" >&2
  exit 1
}

findings=$campaign/findings/default
stat() { sed -n "s/^$1 *: *//p" "$findings/fuzzer_stats"; }
mapfile -t found < <(find "$findings/crashes" "$findings/hangs" -type f ! -name README.txt | sort)
echo "fuzz $target: $(stat execs_done) executions in $(stat run_time) s over all runs" \
  "($(stat execs_per_sec) per second last run), corpus $(stat corpus_count)," \
  "crashes $(stat saved_crashes), hangs $(stat saved_hangs)"
if [ ${#found[@]} -gt 0 ]; then
  echo "fuzz $target: findings in $findings/crashes and $findings/hangs:" >&2
  dotnet "$out/plain/CaffeNet.Fuzz.dll" replay "$target" "${found[@]}" | cut -c1-400 >&2 || true
  exit 1
fi
