#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test of the HTML pages
# (tests/browser.rs, run when CORRECT_CHROMIUM=1).
set -euo pipefail
if command -v chromium > /dev/null; then exit 0; fi
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium
