#!/usr/bin/env bash
# Installs Milvus Lite (pinned) into the project-local virtualenv .venv-milvus, used by tests and the launcher.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-milvus"
if [ -x "$VENV/bin/milvus-lite" ] && "$VENV/bin/pip" freeze 2>/dev/null | grep -qx 'milvus-lite==3.2.2'; then
  exit 0
fi
command -v python3 >/dev/null || { echo "install-milvus-lite: python3 is required" >&2; exit 1; }
echo "Installing Milvus Lite into $VENV ..."
python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/scripts/milvus-lite-requirements.txt"
"$VENV/bin/milvus-lite" server --help >/dev/null
