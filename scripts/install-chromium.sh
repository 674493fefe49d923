#!/usr/bin/env bash
# Installs Debian's Chromium and ChromeDriver for the gateway's web page test, unless they are already there.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "install-chromium: /usr/bin/chromium and /usr/bin/chromedriver are needed by the web page test;" >&2
  echo "install Debian's 'chromium' and 'chromium-driver' packages (as root: apt-get install chromium chromium-driver)" >&2
  exit 1
fi
echo "Installing Debian's chromium and chromium-driver ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends chromium chromium-driver >/dev/null
