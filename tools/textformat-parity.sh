#!/usr/bin/env bash
# Compares CaffeNet's prototxt reader with protoc's, file by file, over every text file in
# testdata/ and ../shared/corpus/.
#
#   tools/textformat-parity.sh [--schema PATH/caffe.proto] [--lenient-list]
#
# For each file, protoc encodes it as caffe.NetParameter and `caffenet convert` writes our parse
# as a .caffemodel; both binaries are decoded back to text by protoc and diffed. One line per file:
#   EQUAL            both accept and give the same message
#   DIFFER           both accept but the messages differ (a diff follows)
#   BOTH-REJECT      neither accepts the file (forks' extra fields, label maps, word lists)
#   MISMATCH-ACCEPT  one accepts what the other refuses
#   SCHEMA-EXTRA     (with --schema) we accept, protoc refuses a field that proto/caffe.proto
#                    adds on purpose and the other schema lacks (e.g. forks' ceil_mode)
# Exits 1 on any DIFFER or MISMATCH-ACCEPT.
#
# --schema  has protoc read another caffe.proto (BVLC's own, say): a wrong field number or type
#           in ours then shows up as DIFFER, since our binary is decoded with that schema.
# --lenient-list  for each BOTH-REJECT file, also says whether `convert --lenient` reads it and
#           which unknown fields it skips.
#
# protoc accepting with "missing required fields" counts as a refusal: protoc --encode only warns,
# but Caffe's reader (TextFormat::Parse) refuses such a file, and so do we.
# Set CAFFENET to a command to use instead of building src/CaffeNet.Cli.
set -euo pipefail

schema=""
lenient_list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --schema) schema="${2:?--schema needs a path}"; shift 2 ;;
    --schema=*) schema="${1#--schema=}"; shift ;;
    --lenient-list) lenient_list=1; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "textformat-parity: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ -n "$schema" ]; then
  [ -f "$schema" ] || { echo "textformat-parity: schema $schema not found" >&2; exit 2; }
  schema=$(realpath "$schema")
fi
cd "$(dirname "$0")/.."
schema=${schema:-$PWD/proto/caffe.proto}

if ! command -v protoc >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq protobuf-compiler >/dev/null
fi

if [ -n "${CAFFENET:-}" ]; then
  read -r -a caffenet <<< "$CAFFENET"
else
  dotnet build src/CaffeNet.Cli -c Release -v quiet -nologo >/dev/null
  caffenet=(dotnet src/CaffeNet.Cli/bin/Release/net10.0/caffenet.dll)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
schema_dir=$(cd "$(dirname "$schema")" && pwd)
schema_file=$(basename "$schema")
proto() { protoc -I "$schema_dir" "$schema_dir/$schema_file" "$@"; }

# The field protoc refused as unknown, if proto/caffe.proto declares it and the schema in use does not.
declares() { grep -qE "^[[:space:]]*(optional|repeated|required)[[:space:]]+[A-Za-z0-9_.]+[[:space:]]+$2[[:space:]]*=" "$1"; }
extra_field() {
  local name
  name=$(sed -n 's/.*has no field named "\([A-Za-z0-9_]*\)".*/\1/p' "$work/protoc.err" | head -1)
  [ -n "$name" ] && declares proto/caffe.proto "$name" && ! declares "$schema" "$name" && echo "$name"
}

files=()
for dir in testdata ../shared/corpus; do
  [ -d "$dir" ] || continue
  while IFS= read -r f; do files+=("$f"); done < <(
    find "$dir" -type f \( -name '*.prototxt' -o -name '*.pbtxt' -o -name '*.txt' \) | sort)
done

declare -A count=()
failed=0
for f in "${files[@]}"; do
  protoc_ok=1
  proto --encode=caffe.NetParameter < "$f" > "$work/protoc.bin" 2> "$work/protoc.err" || protoc_ok=0
  if grep -q "missing required fields" "$work/protoc.err"; then protoc_ok=0; fi
  ours_ok=1
  "${caffenet[@]}" convert "$f" "$work/ours.caffemodel" > /dev/null 2> "$work/ours.err" || ours_ok=0

  if [ $protoc_ok = 0 ] && [ $ours_ok = 0 ]; then
    result=BOTH-REJECT
    echo "BOTH-REJECT      $f"
    echo "    protoc: $(grep -v '^Failed to parse' "$work/protoc.err" | head -1)"
    echo "    ours:   $(head -1 "$work/ours.err")"
    if [ $lenient_list = 1 ]; then
      if "${caffenet[@]}" convert "$f" "$work/ours.caffemodel" --lenient > "$work/lenient.out" 2>&1; then
        skipped=$(grep -o 'skipped unknown field "[^"]*" of [A-Za-z0-9_.]*' "$work/lenient.out" \
          | sed 's/skipped unknown field //' | sort | uniq -c | awk '{printf "%s%s x%s", sep, $2" "$3" "$4, $1; sep=", "}')
        echo "    lenient: reads it, skipping ${skipped:-nothing}"
      else
        echo "    lenient: refuses it too: $(grep -v 'skipped unknown field' "$work/lenient.out" | head -1)"
      fi
    fi
  elif [ $ours_ok = 1 ] && extra=$(extra_field); then
    result=SCHEMA-EXTRA
    echo "SCHEMA-EXTRA     $f  (protoc refuses \"$extra\", which our schema adds)"
  elif [ $protoc_ok != $ours_ok ]; then
    result=MISMATCH-ACCEPT
    failed=1
    if [ $ours_ok = 1 ]; then
      echo "MISMATCH-ACCEPT  $f  (we accept; protoc refuses: $(head -1 "$work/protoc.err"))"
    else
      echo "MISMATCH-ACCEPT  $f  (protoc accepts; we refuse: $(head -1 "$work/ours.err"))"
    fi
  else
    proto --decode=caffe.NetParameter < "$work/protoc.bin" > "$work/protoc.txt" 2>/dev/null
    if proto --decode=caffe.NetParameter < "$work/ours.caffemodel" > "$work/ours.txt" 2> "$work/decode.err" \
       && diff -q "$work/protoc.txt" "$work/ours.txt" > /dev/null; then
      result=EQUAL
      echo "EQUAL            $f"
    else
      result=DIFFER
      failed=1
      echo "DIFFER           $f"
      { cat "$work/decode.err"; diff "$work/protoc.txt" "$work/ours.txt"; } | head -20 | sed 's/^/    /'
    fi
  fi
  count[$result]=$(( ${count[$result]:-0} + 1 ))
done

echo "schema $schema: ${#files[@]} files: ${count[EQUAL]:-0} equal, ${count[BOTH-REJECT]:-0} both reject," \
     "${count[SCHEMA-EXTRA]:-0} schema extras, ${count[DIFFER]:-0} differ, ${count[MISMATCH-ACCEPT]:-0} mismatched"
exit $failed
