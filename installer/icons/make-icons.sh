#!/usr/bin/env bash
# Regenerates resources/icons/reasoning-workbench.ico (Windows: exe icon, installer icon) from the
# SVG. Linux PNGs are rendered at build time (installer/linux/desktop.cmake) and the macOS .icns at
# build time on the Mac (installer/macos/bundle.cmake); only the .ico is committed, because the
# Windows build machine has no SVG renderer. Needs rsvg-convert (librsvg2-bin) and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/../.."
svg=resources/icons/reasoning-workbench.svg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in 16 24 32 48 64 128 256; do rsvg-convert -w $s -h $s -o "$tmp/$s.png" "$svg"; done
convert "$tmp"/16.png "$tmp"/24.png "$tmp"/32.png "$tmp"/48.png "$tmp"/64.png "$tmp"/128.png "$tmp"/256.png \
  resources/icons/reasoning-workbench.ico
echo "wrote resources/icons/reasoning-workbench.ico"
