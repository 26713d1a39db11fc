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

command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and apt-get is not available."

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
  "${SUDO[@]}" true 2>/dev/null || fail "$CHROMIUM is missing and sudo needs a password here."
else
  fail "$CHROMIUM is missing; installing it needs root or sudo."
fi

echo "ensure-chromium: installing Chromium (Debian package)..." >&2
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  || fail "apt-get update failed."
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  chromium fonts-liberation >/dev/null || fail "apt-get install chromium failed."

[ -x "$CHROMIUM" ] || fail "the chromium package is installed but $CHROMIUM is still missing."
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null | tail -n 1)" >&2
