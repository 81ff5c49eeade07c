#!/usr/bin/env bash
# deb_package_test.sh STEP BUILD_DIR SOURCE_DIR WORK_DIR CPACK VERSION
#   build    cpack -G DEB: the release packages and an older main package (for upgrade)
#   install  dpkg-install into a temporary root, check the files, start the installed app
#            offscreen and `rwb run` from the installed paths only
#   tarball  the relocatable .tar.gz, unpacked and moved, runs and finds its resources
#   lintian  lintian on every .deb, no errors
#   upgrade  old -> new keeps the user's database and settings; removal and purge leave them
# Exit 77 = skipped (a tool is missing, or the build step did not make packages).
set -euo pipefail
step=$1 build=$2 src=$3 work=$4 cpack=$5 version=$6
old_version=0.0.1
pkgs=$work/packages
export PATH=$PATH:/usr/sbin:/sbin # dpkg wants ldconfig and start-stop-daemon on PATH
unset RWB_RESOURCE_DIR

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"; }

main_deb() { ls "$pkgs"/new/reasoning-workbench_"$version"_*.deb 2>/dev/null | head -n 1; }
old_deb() { ls "$pkgs"/old/reasoning-workbench_"$old_version"_*.deb 2>/dev/null | head -n 1; }

# A fresh dpkg database and root under $1: dpkg --root would chroot for maintainer scripts (the
# package has none: icon and desktop caches are refreshed by dpkg triggers), --instdir does not.
new_root() {
  rm -rf "$1"
  mkdir -p "$1/root" "$1/admin/info" "$1/admin/updates" "$1/admin/triggers"
  : >"$1/admin/status"
  : >"$1/admin/available"
}
dpkg_in() { # dpkg_in DIR ARGS...: dpkg acting on the temporary root
  local d=$1; shift
  dpkg --instdir="$d/root" --admindir="$d/admin" --force-not-root --force-depends \
    --force-script-chrootless --log=/dev/null "$@"
}

# The demo models that exist in the source tree (they land there later than this test).
source_models() { find "$src/resources/models" -maxdepth 1 -name '*.gguf' -printf '%f\n' 2>/dev/null | sort; }

# Runs the installed app offscreen with --smoke-test in the HOME given as $2.
smoke_app() {
  local root=$1 home=$2
  mkdir -p "$home"
  (cd "$home" && env -u RWB_RESOURCE_DIR HOME="$home" XDG_CONFIG_HOME="$home/.config" \
    XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run" QT_QPA_PLATFORM=offscreen \
    timeout 30 "$root/usr/bin/reasoning-workbench" --smoke-test)
}

case $step in
build)
  need dpkg-deb
  need dpkg-shlibdeps
  [ -x "$cpack" ] || skip "cpack not found"
  [ -f "$build/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $build"
  rm -rf "$pkgs" && mkdir -p "$pkgs/new" "$pkgs/old"
  cd "$build"
  # gzip instead of the release's xz keeps this step fast; everything else is the release config.
  "$cpack" -G DEB -B "$pkgs/new" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip >"$pkgs/new.log" 2>&1 ||
    { cat "$pkgs/new.log"; fail "cpack -G DEB failed"; }
  "$cpack" -G DEB -B "$pkgs/old" -D CPACK_DEBIAN_COMPRESSION_TYPE=gzip \
    -D CPACK_PACKAGE_VERSION=$old_version -D CPACK_COMPONENTS_ALL=main -D CPACK_STRIP_FILES=OFF >"$pkgs/old.log" 2>&1 ||
    { cat "$pkgs/old.log"; fail "cpack (old version) failed"; }
  "$cpack" -G TGZ -B "$pkgs/tgz" >"$pkgs/tgz.log" 2>&1 || { cat "$pkgs/tgz.log"; fail "cpack -G TGZ failed"; }
  deb=$(main_deb)
  [ -n "$deb" ] || fail "no reasoning-workbench_${version}_<arch>.deb made: $(ls "$pkgs/new")"
  [ -n "$(old_deb)" ] || fail "no old-version package made"
  echo "made: $(cd "$pkgs" && ls new/*.deb old/*.deb | tr '\n' ' ')"
  dpkg-deb -f "$deb" Package Version Depends
  # Every dependency (first alternative) is a package name this machine knows.
  deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g' | grep -v '^$')
  for d in $deps; do
    apt-cache show "$d" >/dev/null 2>&1 || dpkg -s "$d" >/dev/null 2>&1 ||
      fail "dependency '$d' is not a known package"
  done
  grep -qx 'libqt6widgets6\(t64\)\?' <<<"$deps" || fail "no Qt Widgets dependency from dpkg-shlibdeps"
  grep -qx 'libqt6sql6-sqlite' <<<"$deps" || fail "SQLite Qt driver dependency missing"
  if grep -q '^RWB_HAVE_CUDA:INTERNAL=ON' "$build/CMakeCache.txt" 2>/dev/null ||
    [ -f "$build/bin/librwb_cuda.so" ]; then
    cdeb=$(ls "$pkgs"/new/reasoning-workbench-cuda_"$version"_*.deb 2>/dev/null | head -n 1)
    [ -n "$cdeb" ] || fail "CUDA was built but no reasoning-workbench-cuda package"
    dpkg-deb -f "$cdeb" Depends | grep -q "reasoning-workbench (= $version)" ||
      fail "the CUDA package does not depend on the main package"
    cuda_deps=$(dpkg-deb -f "$cdeb" Depends)
    echo "CUDA package Depends: $cuda_deps"
    if grep -q -- '--\|-[,|]\|-$' <<<"$cuda_deps"; then fail "malformed CUDA dependency: $cuda_deps"; fi
    cuda_files=$(dpkg-deb -c "$cdeb")
    main_files=$(dpkg-deb -c "$deb")
    grep -q 'usr/lib/reasoning-workbench/librwb_cuda.so' <<<"$cuda_files" ||
      fail "librwb_cuda.so not in the CUDA package"
    if grep -q librwb_cuda <<<"$main_files"; then fail "librwb_cuda.so in the main package"; fi
  fi
  ;;

install)
  need dpkg
  deb=$(main_deb)
  [ -n "$deb" ] || skip "no package (build step skipped)"
  t=$work/install
  new_root "$t"
  dpkg_in "$t" -i "$deb" || fail "dpkg -i failed"
  dpkg-query --admindir="$t/admin" -W -f='${Status}\n' reasoning-workbench | grep -q "install ok installed" ||
    fail "not recorded as installed"
  r=$t/root/usr
  id=org.reasoningworkbench.ReasoningWorkbench
  for f in bin/rwb bin/reasoning-workbench share/applications/$id.desktop share/metainfo/$id.metainfo.xml \
    share/icons/hicolor/scalable/apps/$id.svg share/man/man1/rwb.1.gz share/man/man1/reasoning-workbench.1.gz \
    share/doc/reasoning-workbench/copyright share/doc/reasoning-workbench/changelog.gz \
    share/mime/packages/reasoning-workbench-gguf.xml share/reasoning-workbench/problem_sets; do
    [ -e "$r/$f" ] || fail "$f not installed"
  done
  for s in 16 22 24 32 48 64 128 256 512; do
    png=$r/share/icons/hicolor/${s}x${s}/apps/$id.png
    [ -f "$png" ] || fail "${s}x${s} icon missing"
    # PNG header: width and height (big-endian) at bytes 16..23.
    dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')
    [ "$dims" = "${s}x${s}" ] || fail "${s}x${s} icon is $dims"
  done
  for f in "$src"/resources/problem_sets/*; do
    cmp -s "$f" "$r/share/reasoning-workbench/problem_sets/$(basename "$f")" || fail "$(basename "$f") not installed intact"
  done
  for m in $(source_models); do
    cmp -s "$src/resources/models/$m" "$r/share/reasoning-workbench/models/$m" || fail "demo model $m not installed intact"
  done
  zcat "$r/share/man/man1/rwb.1.gz" | grep -q '^\.TH RWB 1' || fail "rwb.1.gz is not a section-1 man page"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$r/share/applications/$id.desktop" || fail "desktop entry invalid"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$r/share/metainfo/$id.metainfo.xml" || fail "metainfo invalid"
  fi

  # The installed programs, started from a folder outside the source and build trees.
  home=$t/home
  out=$("$r/bin/rwb" --version) || fail "rwb --version failed"
  echo "$out"
  grep -q "^rwb $version" <<<"$out" || fail "rwb --version lacks the version"
  grep -q "commit [0-9a-f]" <<<"$out" || fail "rwb --version lacks the commit"
  grep -q "^backends: cpu (" <<<"$out" || fail "rwb --version lacks the backends"
  out=$(smoke_app "$t/root" "$home" 2>&1) || { echo "$out"; fail "installed app --smoke-test failed"; }
  echo "$out"
  grep -q "smoke-test: main window shown" <<<"$out" || fail "main window not shown"
  grep -q "^Version: $version" <<<"$out" || fail "About facts lack the version"
  if grep -q "$src/resources" <<<"$out"; then fail "the installed app used the source tree"; fi
  default_model=rwb-demo-medium.gguf
  if source_models | grep -qx "$default_model"; then
    grep -q "^Bundled resources: $t/root/usr/share/reasoning-workbench" <<<"$out" ||
      fail "the installed app did not find its bundled resources"
    out=$(cd "$home" && "$r/bin/rwb" run -p "What is 48 + 76?" -n 24 --temp 0 2>&1) ||
      { echo "$out"; fail "rwb run on the bundled model failed"; }
    echo "$out"
    grep -q "<think>" <<<"$out" || fail "rwb run generated no reasoning"
  else
    # No demo model yet: rwb run must fail, naming only the installed folder as where it looked.
    if out=$(cd "$home" && "$r/bin/rwb" run -p "hi" -n 4 2>&1); then fail "rwb run succeeded without a model"; fi
    echo "$out"
    grep -q "$t/root/usr/share/reasoning-workbench/models/$default_model" <<<"$out" ||
      fail "rwb run did not look in the installed share folder"
    if grep -q "$src/resources" <<<"$out"; then fail "rwb run looked in the source tree"; fi
  fi
  ;;

tarball)
  tgz=$(ls "$pkgs"/tgz/reasoning-workbench-"$version"-*.tar.gz 2>/dev/null | head -n 1)
  [ -n "$tgz" ] || skip "no tarball (build step skipped)"
  t=$work/tarball
  rm -rf "$t" && mkdir -p "$t/unpacked" "$t/home"
  tar xzf "$tgz" -C "$t/unpacked"
  top=$(ls -d "$t"/unpacked/*/)
  [ -x "$top/bin/rwb" ] && [ -x "$top/bin/reasoning-workbench" ] || fail "bin/ not at the tarball's top"
  # Relocatable: moved after unpacking, the programs still find their bundled resources.
  mv "$top" "$t/moved"
  out=$(cd "$t/home" && env -u RWB_RESOURCE_DIR HOME="$t/home" QT_QPA_PLATFORM=offscreen \
    XDG_RUNTIME_DIR="$t/home/run" timeout 30 "$t/moved/bin/reasoning-workbench" --smoke-test 2>&1) ||
    { echo "$out"; fail "app from the tarball did not start"; }
  grep -q "smoke-test: main window shown" <<<"$out" || fail "main window not shown"
  grep -q "^Bundled resources: $t/moved/share/reasoning-workbench" <<<"$out" ||
    { echo "$out"; fail "the tarball's app did not find its resources"; }
  if source_models | grep -qx rwb-demo-medium.gguf; then
    out=$(cd "$t/home" && "$t/moved/bin/rwb" run -p "What is 48 + 76?" -n 8 --temp 0 2>&1) ||
      { echo "$out"; fail "rwb run from the tarball failed"; }
    grep -q "<think>" <<<"$out" || fail "rwb run from the tarball generated no reasoning"
  fi
  ;;

lintian)
  need lintian
  [ -n "$(main_deb)" ] || skip "no package (build step skipped)"
  for deb in "$pkgs"/new/*.deb; do
    echo "== lintian $(basename "$deb")"
    # Errors fail the test; warnings are printed. --allow-root: CI containers run as root.
    lintian --allow-root --tag-display-limit 0 --fail-on error "$deb" || fail "lintian errors in $(basename "$deb")"
  done
  ;;

upgrade)
  need dpkg
  need sqlite3
  deb=$(main_deb)
  old=$(old_deb)
  [ -n "$deb" ] && [ -n "$old" ] || skip "no packages (build step skipped)"
  t=$work/upgrade
  new_root "$t"
  home=$t/home
  data=$home/.local/share/ReasoningWorkbench/reasoning-workbench
  conf=$home/.config/ReasoningWorkbench/reasoning-workbench.conf
  dpkg_in "$t" -i "$old" || fail "installing $old_version failed"
  dpkg-query --admindir="$t/admin" -W -f='${Version}' reasoning-workbench | grep -qx "$old_version" || fail "old version not installed"
  smoke_app "$t/root" "$home" >/dev/null 2>&1 || fail "old app did not start"
  # The user's data: a database and a setting, next to whatever the app itself created.
  mkdir -p "$data" "$(dirname "$conf")"
  sqlite3 "$data/upgrade-marker.sqlite" "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES('kept across upgrades');"
  printf '[packaging]\nmarker=kept across upgrades\n' >>"$conf"
  before=$(cd "$home" && find . -type f | sort)
  dpkg_in "$t" -i "$deb" || fail "upgrading to $version failed"
  dpkg-query --admindir="$t/admin" -W -f='${Version}' reasoning-workbench | grep -qx "$version" || fail "not upgraded"
  smoke_app "$t/root" "$home" >/dev/null 2>&1 || fail "upgraded app did not start with the old user data"
  check_kept() {
    for f in $before; do [ -f "$home/$f" ] || fail "$f lost $1"; done
    [ "$(sqlite3 "$data/upgrade-marker.sqlite" 'SELECT t FROM notes')" = "kept across upgrades" ] || fail "database changed $1"
    grep -q '^marker=kept across upgrades$' "$conf" || fail "settings lost $1"
  }
  check_kept "by the upgrade"
  dpkg_in "$t" -r reasoning-workbench || fail "dpkg -r failed"
  [ ! -e "$t/root/usr/bin/reasoning-workbench" ] || fail "dpkg -r left the app"
  check_kept "by removal"
  dpkg_in "$t" --purge reasoning-workbench || fail "dpkg --purge failed"
  check_kept "by purge"
  echo "user data intact after upgrade $old_version -> $version, removal and purge"
  ;;
*) fail "unknown step $step" ;;
esac
echo "PASS: $step"
