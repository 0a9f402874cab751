#!/usr/bin/env bash
# Make sure headless Chromium and its WebDriver are installed for the browser test (tests/e2e/).
# Does nothing when /usr/bin/chromium and /usr/bin/chromedriver exist; otherwise installs the Debian
# packages `chromium` and `chromium-driver` with apt-get (as root, or through sudo when not root).
set -euo pipefail

BROWSER=/usr/bin/chromium
DRIVER=/usr/bin/chromedriver

if [ -x "$BROWSER" ] && [ -x "$DRIVER" ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $BROWSER or $DRIVER is missing and there is no apt-get here;" \
         "install Chromium and its WebDriver (Debian packages chromium and chromium-driver) by hand" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "ensure_chromium: $BROWSER or $DRIVER is missing and installing it needs root;" \
         "run as root: apt-get update && apt-get install -y chromium chromium-driver" >&2
    exit 1
fi

echo "ensure_chromium: installing the Debian packages chromium and chromium-driver for the browser test" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null

for path in "$BROWSER" "$DRIVER"; do
    if [ ! -x "$path" ]; then
        echo "ensure_chromium: installed chromium and chromium-driver but $path is still missing" >&2
        exit 1
    fi
done
