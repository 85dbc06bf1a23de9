#!/bin/sh
# Runs as npm's preinstall: installs the Debian packages the tests, `npm start` and `dexposure train`
# need: Chromium (browser mode, end-to-end tests, PDF reports), sqlite3 (the CLI-compatibility
# test), poppler-utils (the PDF report tests), Debian's PyTorch and ONNX (training), scikit-learn
# and networkx (the cross-checks of our metrics and graph maths). Only what is missing, only with
# apt as root.
# Elsewhere it prints the one command to run. Set DEXPOSURE_SKIP_SYSTEM_DEPS=1 to skip.
set -e
[ "${DEXPOSURE_SKIP_SYSTEM_DEPS:-0}" = "1" ] && exit 0
missing=""
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
# poppler-utils: pdftotext, pdfinfo and pdftoppm read the PDF reports back in the tests
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
for m in torch:python3-torch onnx:python3-onnx sklearn:python3-sklearn networkx:python3-networkx numpy:python3-numpy; do
  /usr/bin/python3 -c "import ${m%%:*}" >/dev/null 2>&1 || missing="$missing ${m#*:}"
done
[ -z "$missing" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "dexposure: installing system packages:$missing" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
else
  echo "dexposure: missing system packages:$missing — install them with: sudo apt-get install -y$missing" >&2
fi
