#!/usr/bin/env bash
# Installs Debian's chromium (browser tests) and docker-compose (compose file
# validation) when they are missing. Without root or apt the tests that need
# them skip with a loud message, except under CI, where they fail.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
fi
echo "########################################################################"
echo "# WARNING: could not install ${missing[*]}."
echo "# The tests that need them will be SKIPPED (and FAIL under CI=true)."
echo "# Install them with: sudo apt-get install ${missing[*]}"
echo "########################################################################"
exit 0
