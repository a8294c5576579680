#!/usr/bin/env bash
# The test winscard.dll for Wine (issue 21): Debian's Wine 8 ships winscard.dll as a stub, so the suite builds its
# own from tests/wine/winscard/ (a PE half built with mingw and marked as a Wine builtin, and a Unix half linked with
# pcsc-lite) and installs it for the length of one command. Wine loads a builtin's Unix half only from its own
# directories (WINEDLLPATH and native overrides did not work), so Wine's files are set aside with dpkg-divert and
# always put back: on exit, Ctrl+C or TERM, and by the next run after a SIGKILL.
#
#   winscard.sh build DIR     builds DIR/winscard.dll and DIR/winscard.so
#   winscard.sh run CMD...    installs the build for CMD's length (one run at a time on the machine), then restores
#   winscard.sh restore       puts Wine's files back if a run was killed before it could
#   winscard.sh unavailable   prints why it cannot run here (missing package), or nothing
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# SMARTCARDPS_WINE_LIB names another tree laid out as Wine's, for the test of install and restore itself
# (tests/wine/WineScard.Tests.ps1), which runs while a real run holds Wine's own directory.
wine_lib=${SMARTCARDPS_WINE_LIB:-/usr/lib/x86_64-linux-gnu/wine}
targets=("$wine_lib/x86_64-windows/winscard.dll" "$wine_lib/x86_64-unix/winscard.so")
# The diverted name says whose diversion it is: restore removes only diversions with this suffix.
suffix=.smartcardps-distrib

unavailable() {
  local missing=()
  [ -x /usr/bin/x86_64-w64-mingw32-gcc-posix ] || [ -x /usr/bin/x86_64-w64-mingw32-gcc ] || missing+=(gcc-mingw-w64-x86-64-posix)
  [ -f /usr/x86_64-w64-mingw32/include/windows.h ] || missing+=(mingw-w64-x86-64-dev)
  [ -x /usr/lib/wine/wine64 ] || missing+=(wine64)
  [ -f /usr/lib/x86_64-linux-gnu/wine/x86_64-windows/winscard.dll ] || missing+=(libwine)
  [ -x /usr/lib/wine/winebuild ] || missing+=(wine64-tools)
  [ -f /usr/bin/gcc ] || missing+=(gcc)
  ls /usr/lib/x86_64-linux-gnu/libpcsclite.so.1 >/dev/null 2>&1 || missing+=(libpcsclite1)
  [ ${#missing[@]} -eq 0 ] || echo "missing Debian packages: ${missing[*]} (apt-get install ${missing[*]})"
}

build() {
  local out=$1 src="$here/winscard"
  mkdir -p "$out"
  # Built to temporary names and renamed, so a concurrent reader never sees half a file.
  x86_64-w64-mingw32-gcc -shared -O1 -s -Wall -o "$out/winscard.dll.tmp" "$src/winscard.c" "$src/winscard.def"
  /usr/lib/wine/winebuild --builtin "$out/winscard.dll.tmp"
  gcc -shared -fPIC -O1 -s -Wall -o "$out/winscard.so.tmp" "$src/unixlib.c" -l:libpcsclite.so.1
  mv -f "$out/winscard.dll.tmp" "$out/winscard.dll"
  mv -f "$out/winscard.so.tmp" "$out/winscard.so"
}

up_to_date() {
  local out=$1 source
  [ -f "$out/winscard.dll" ] && [ -f "$out/winscard.so" ] || return 1
  for source in "$here"/winscard/*; do
    [ "$source" -nt "$out/winscard.dll" ] || [ "$source" -nt "$out/winscard.so" ] && return 1
  done
  return 0
}

restore() {
  local target
  for target in "${targets[@]}"; do
    if dpkg-divert --list "$target" | grep -qF "to $target$suffix"; then
      rm -f "$target"
      dpkg-divert --quiet --local --rename --divert "$target$suffix" --remove "$target"
    fi
  done
}

install_build() {
  local dir=$1 target
  for target in "${targets[@]}"; do
    dpkg-divert --quiet --local --rename --divert "$target$suffix" --add "$target"
    install -m 0644 "$dir/$(basename "$target")" "$target.smartcardps-new"
    mv -f "$target.smartcardps-new" "$target"
  done
}

case "${1:-}" in
  build) build "$2" ;;
  restore)
    exec 8<"$wine_lib"
    flock -x 8
    restore ;;
  unavailable) unavailable ;;
  run)
    shift
    why=$(unavailable)
    if [ -n "$why" ]; then echo "winscard.sh: $why" >&2; exit 3; fi
    if [ "$(id -u)" != 0 ]; then echo "winscard.sh: needs root to install into Wine's directories" >&2; exit 3; fi
    # One run at a time on the machine: the files are the machine's. The lock is on Wine's directory, so no lock file
    # is left behind.
    exec 8<"$wine_lib"
    flock -x 8
    # Built once and kept with the rest of the Wine cache (out/wine), again only when a source is newer.
    build_dir=${SMARTCARDPS_WINE_DIR:-$here/../../out/wine}/winscard
    child=""
    # The command runs in the background so that TERM and Ctrl+C reach this script at once (bash runs a trap only
    # after its foreground command ends); the command is stopped and awaited before Wine's files go back.
    stop_child() { if [ -n "$child" ]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi; }
    trap restore EXIT
    trap 'stop_child; exit 130' INT
    trap 'stop_child; exit 143' TERM
    # A run killed before its trap ran left its diversion: put Wine's file back before diverting again.
    restore
    up_to_date "$build_dir" || build "$build_dir"
    install_build "$build_dir"
    SMARTCARDPS_WINSCARD=1 "$@" 8<&- <&0 &
    child=$!
    set +e
    wait "$child"
    code=$?
    child=""
    set -e
    exit $code ;;
  *) echo "usage: $0 build DIR | run CMD... | restore | unavailable" >&2; exit 2 ;;
esac
