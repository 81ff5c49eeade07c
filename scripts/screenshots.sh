#!/bin/sh
# Takes the README screenshots (docs/screenshots/*.png) from the real app under Xvfb, with a
# throw-away profile and the bundled demo model. Usage: scripts/screenshots.sh [BUILD_DIR]
# (default build; build the target first: ninja -C BUILD_DIR rwb_screenshots). Needs xvfb.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$here/$build" ;; esac
tool="$build/tools/screenshots/rwb_screenshots"
if [ ! -x "$tool" ]; then
    echo "screenshots.sh: $tool not found; build it with: ninja -C $build rwb_screenshots" >&2
    exit 1
fi
cd "$here"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x900x24" "$tool" "$here/docs/screenshots"
