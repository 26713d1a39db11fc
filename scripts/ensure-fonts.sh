#!/usr/bin/env bash
# Make sure a font with Japanese glyphs is installed, so that the tests can generate and read
# back Japanese PDFs (tests/unit/coi/test_pdf_extract.py::test_japanese_text_round_trips, the
# Japanese case documents). IPA Gothic or Noto Sans CJK (fonts-noto-cjk) both do: the documents
# take the Japanese face of a collection by its name.
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

echo "ensure-fonts: installing $PACKAGE (Debian package)..." >&2
source "$(dirname "$0")/apt-install.sh"
# fontconfig provides fc-list; the font package alone does not pull it in.
apt_install "no Japanese font is installed" "$PACKAGE" fontconfig

has_japanese_font || fail "$PACKAGE is installed but 'fc-list :lang=ja' still lists no font."
echo "ensure-fonts: $(fc-list :lang=ja file | head -n 1)" >&2
