#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed (the end-to-end tests drive it; no browser is ever downloaded).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing: install it with 'sudo apt-get install -y chromium' (needed by the web end-to-end tests)" >&2
  exit 1
fi
echo "installing Debian's chromium for the end-to-end tests"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
