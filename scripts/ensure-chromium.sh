#!/usr/bin/env bash
# Make sure a Chromium exists for Playwright. Playwright's own browser
# download cannot work on these machines, so use Debian's package.
# No-op when the browser is already there.
set -euo pipefail
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi
if [ "$CHROMIUM_PATH" != "/usr/bin/chromium" ]; then
  echo "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No Chromium at /usr/bin/chromium and no apt-get to install it." >&2
  echo "Install Chromium or Chrome yourself and run: CHROMIUM_PATH=/path/to/chromium npm test" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "No Chromium at /usr/bin/chromium, and installing it needs root." >&2
    echo "Run 'sudo apt-get install chromium', or point at a browser: CHROMIUM_PATH=/path/to/chromium npm test" >&2
    exit 1
  fi
fi
echo "Installing Debian's chromium (one-off, about a minute)..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q chromium
"$CHROMIUM_PATH" --version
