#!/usr/bin/env bash
# What the tests need from Debian's packages:
# - Chromium, for the end-to-end tests of the web pages (driven by playwright-core);
# - scikit-image's public-domain / CC0 photos (astronaut, chelsea, coffee, rocket), taken out of
#   the python3-skimage .deb without installing it (its Python dependencies are not needed).
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
updated=""
apt_update() { [ -n "$updated" ] || { $SUDO apt-get update -qq; updated=1; }; }

if [ ! -x /usr/bin/chromium ]; then
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

photos=test-data/photos
if [ ! -f "$photos/astronaut.png" ]; then
  apt_update
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq python3-skimage)
  dpkg-deb -x "$tmp"/python3-skimage_*.deb "$tmp/x"
  mkdir -p "$photos"
  for f in astronaut.png chelsea.png coffee.png rocket.jpg; do
    cp "$tmp/x/usr/lib/python3/dist-packages/skimage/data/$f" "$photos/"
  done
  rm -rf "$tmp"
fi
