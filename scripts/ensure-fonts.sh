#!/usr/bin/env bash
# Make sure a font with Japanese glyphs is installed, so that the tests can generate and read
# back Japanese PDFs (tests/unit/test_pdf_extract.py::test_japanese_text_round_trips).
# Idempotent: a quick `fc-list :lang=ja` check and nothing else when such a font is present.
# Otherwise installs Debian's fonts-ipafont-gothic (IPA Gothic, IPA licence). Exits non-zero
# when it cannot install it.
set -euo pipefail

PACKAGE=fonts-ipafont-gothic

has_japanese_font() {
  command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ja file 2>/dev/null)" ]
}

if has_japanese_font; then
  exit 0
fi

fail() {
  echo "ensure-fonts: $*" >&2
  echo "ensure-fonts: install a Japanese font (apt-get install $PACKAGE) so that" \
       "'fc-list :lang=ja' lists it, then run the tests again." >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || fail "no Japanese font is installed and apt-get is not available."

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
  "${SUDO[@]}" true 2>/dev/null || fail "no Japanese font is installed and sudo needs a password here."
else
  fail "no Japanese font is installed; installing one needs root or sudo."
fi

echo "ensure-fonts: installing $PACKAGE (Debian package)..." >&2
# fontconfig provides fc-list; the font package alone does not pull it in.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
  || fail "apt-get update failed."
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "$PACKAGE" fontconfig >/dev/null || fail "apt-get install $PACKAGE failed."

has_japanese_font || fail "$PACKAGE is installed but 'fc-list :lang=ja' still lists no font."
echo "ensure-fonts: $(fc-list :lang=ja file | head -n 1)" >&2
