#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test when it is missing. Idempotent and quiet: prints one line
# when it installs, the apt log only when installing fails. Exit status 0 when /usr/bin/chromium is there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "[newsroom] Chromium is missing and apt-get is not available: install chromium yourself" >&2
  exit 1
fi
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
    echo "[newsroom] Chromium is missing and installing it needs root (sudo without a password)" >&2
    exit 1
  fi
fi

echo "[newsroom] installing Chromium (apt-get install chromium)..."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
# An install stopped half-way (Ctrl-C of a test run during it) leaves dpkg "interrupted", and apt-get refuses to
# install anything until it is finished: finish it first (nothing to do otherwise).
if ! { "${SUDO[@]}" dpkg --configure -a && "${SUDO[@]}" apt-get update -qq && "${SUDO[@]}" apt-get install -y -qq chromium; } >"$log" 2>&1; then
  echo "[newsroom] apt-get could not install Chromium:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
[ -x "$CHROMIUM" ] || { echo "[newsroom] apt-get ran but $CHROMIUM is still missing" >&2; exit 1; }
