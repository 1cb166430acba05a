#!/usr/bin/env bash
# The dashboard's browser test drives Debian's Chromium through playwright-core, which never downloads a
# browser of its own. Installs the package when it is missing and this user may (root, or sudo without a
# password); otherwise says what to run.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=""
elif sudo -n true 2>/dev/null; then
  sudo_cmd="sudo -n"
else
  echo "The dashboard test needs Debian's chromium: run 'sudo apt-get install -y chromium', then npm test again." >&2
  exit 1
fi
echo "Installing Debian's chromium for the dashboard's browser test…" >&2
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
