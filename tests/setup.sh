#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian/Ubuntu machine: LibreOffice (headless Calc and Writer, for
# formula recalculation and DOCX rendering), poppler (pdftoppm, pdftotext), CJK fonts, Chromium (the browser test
# of xlsheet serve, driven by Playwright for Python; never `playwright install`), PostgreSQL (the serve test on
# PostgreSQL starts a throwaway server from these binaries), and the package with its test extras.
# Safe to run again: installed parts are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=0
command -v soffice >/dev/null 2>&1 || need_apt=1
command -v pdftoppm >/dev/null 2>&1 || need_apt=1
{ command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi "Noto Sans CJK" && fc-list | grep -qi "UKai"; } || need_apt=1
[ -x /usr/bin/chromium ] || need_apt=1
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt=1
if [ "$need_apt" = 1 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fontconfig fonts-noto-cjk fonts-arphic-ukai \
      chromium postgresql >/dev/null
  else
    echo "tests/setup.sh: LibreOffice/poppler/CJK fonts/Chromium/PostgreSQL missing and apt-get unavailable" \
         "(not root?); the tests needing them will be skipped outside CI." >&2
  fi
fi
python -m pip install -q --disable-pip-version-check -e ".[test]"
