#!/usr/bin/env bash
# Install the Debian packages some tests drive, when the program each provides is missing:
#
#     scripts/apt_install.sh /usr/bin/chromium:chromium /usr/bin/soffice:libreoffice-writer ...
#
# Each argument is PROGRAM:PACKAGE. Nothing happens when every PROGRAM is there; otherwise, as root,
# `apt-get update` runs once and the missing packages are installed in one `apt-get install`.
#
# Why this way:
# - Recommended packages are left out: libreoffice-writer recommends ttf-mscorefonts-installer, which
#   downloads fonts from outside Debian at install time, and a set of gstreamer plugins no test needs.
# - Another apt or dpkg may be running (a second `make test`, an unattended upgrade): wait for it,
#   never fail on its lock. `apt-get install` waits with DPkg::Lock::Timeout; `apt-get update`
#   ignores that option (apt 2.6 fails at once on /var/lib/apt/lists/lock), so it is retried while
#   the only error is a held lock.
set -euo pipefail

missing=()
for pair in "$@"; do
  program=${pair%%:*}
  package=${pair#*:}
  if [ ! -x "$program" ] && [[ " ${missing[*]-} " != *" $package "* ]]; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "make: the tests need Debian packages that are missing: ${missing[*]}" >&2
  echo "  install them as root:  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

apt=(apt-get -o DPkg::Lock::Timeout=600)
for attempt in $(seq 60); do
  if out=$("${apt[@]}" update 2>&1); then
    break
  fi
  if [ "$attempt" = 60 ] || ! grep -q -e "Could not get lock" -e "Unable to lock" <<<"$out"; then
    echo "$out" >&2
    exit 1
  fi
  echo "apt-get update: another apt holds the package lists; waiting (attempt $attempt of 60)" >&2
  sleep 10
done
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends "${missing[@]}"

for pair in "$@"; do
  test -x "${pair%%:*}" || { echo "make: ${pair#*:} is installed but ${pair%%:*} is still missing" >&2; exit 1; }
done
