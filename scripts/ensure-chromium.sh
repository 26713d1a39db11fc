#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium for the browser tests
# (tests/e2e drive it with the Python playwright package; no browser is downloaded).
# Idempotent: does nothing when it is already there. Exits non-zero when it cannot install it.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

fail() {
  echo "ensure-chromium: $*" >&2
  echo "ensure-chromium: install Debian's 'chromium' package (apt-get install chromium) so" \
       "that $CHROMIUM exists, then run the tests again." >&2
  exit 1
}

echo "ensure-chromium: installing Chromium (Debian package)..." >&2
source "$(dirname "$0")/apt-install.sh"
apt_install "$CHROMIUM is missing" chromium fonts-liberation

[ -x "$CHROMIUM" ] || fail "the chromium package is installed but $CHROMIUM is still missing."
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)" >&2
