#!/usr/bin/env bash
# What the browser tests (tests/web/test_browser.py) need from Debian: the chromium
# package, which Playwright drives through executable_path (`playwright install` downloads
# its own browser build, which cannot be fetched here), and fonts for the demo corpus's
# Cyrillic and German text. Idempotent: installs only what is missing; quiet unless it fails.
set -euo pipefail

packages=(chromium fonts-dejavu-core fonts-liberation)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    if ! { $sudo apt-get update -qq \
        && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
        cat "$log" >&2
        echo "install-browser: could not install ${missing[*]}" >&2
        exit 1
    fi
fi

if [ ! -x /usr/bin/chromium ]; then
    echo "install-browser: /usr/bin/chromium is missing after the install" >&2
    exit 1
fi
