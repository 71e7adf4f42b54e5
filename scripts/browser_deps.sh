#!/usr/bin/env bash
# The console's browser tests drive Debian's Chromium (Playwright's own browser download
# cannot work offline) and need Japanese fonts, or screenshots show empty boxes.
# Installs both with apt-get only when they are missing; does nothing otherwise.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=ja | grep -qi "noto"; }; then
    missing+=(fonts-noto-cjk)
fi
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "ブラウザテスト用にインストールします / installing for the browser tests: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
