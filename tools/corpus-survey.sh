#!/usr/bin/env bash
# Issue 12's survey: every .prototxt of the corpus dumped, initialised (or its folder's weights),
# run in TEST phase on the reference and fused paths and compared with OpenCV DNN layer by layer
# (deep nets judged against float64; nets OpenCV cannot build against float64 alone).
# Usage: tools/corpus-survey.sh [CORPUS_DIR] [--dll CAFFENET.dll] [--markdown FILE] [--only TEXT]... [--no-cache]
# Builds the CLI (Release) unless --dll is given. Results are cached by content in
# ${SURVEY_CACHE:-$HOME/.cache/caffenet-survey}; a full run from cold takes about an hour on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$root/../shared/corpus
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then corpus=$1; shift; fi
dll=
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --dll) dll=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$dll" ]; then
  nice -n 10 dotnet build "$root/src/CaffeNet.Cli" -c Release -v q -nologo > /dev/null
  dll=$root/src/CaffeNet.Cli/bin/Release/net10.0/caffenet.dll
fi
exec nice -n 10 /usr/bin/python3 "$root/tools/corpus_survey.py" --dll "$dll" --corpus "$corpus" \
  --cache "${SURVEY_CACHE:-$HOME/.cache/caffenet-survey}" "${args[@]}"
