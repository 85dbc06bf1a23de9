#!/bin/sh
# Runs as npm's preinstall: installs the Debian packages the tests and `npm start` need
# (Chromium for browser mode and the end-to-end tests). Only what is missing, only with apt as root.
# Elsewhere it prints the one command to run. Set DEXPOSURE_SKIP_SYSTEM_DEPS=1 to skip.
set -e
[ "${DEXPOSURE_SKIP_SYSTEM_DEPS:-0}" = "1" ] && exit 0
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "dexposure: installing system packages:$missing" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
else
  echo "dexposure: missing system packages:$missing — install them with: sudo apt-get install -y$missing" >&2
fi
