#!/usr/bin/env bash
# Runs a command in a private mount namespace with its own empty /run/pcscd, so the PC/SC test
# fixture can start pcscd there without touching the machine's. Everything the command starts
# (dotnet test, pwsh, opensc-tool, pcsc_scan) sees only that pcscd.
# It also gets a private p11-kit registry: fresh empty directories over /etc/pkcs11 and over
# p11-kit's package module directory, so tests write module configs there and p11-kit, p11tool and
# GnuTLS read only those, while the machine's own files stay as they were.
set -euo pipefail
if [ "${SMARTCARDPS_PCSC_NAMESPACE:-}" != 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ns-run.sh: needs root for a private mount namespace (unshare -m); run it with sudo." >&2
    exit 3
  fi
  exec unshare --mount --propagation private env SMARTCARDPS_PCSC_NAMESPACE=1 "$0" "$@"
fi
# Runs killed outright (SIGKILL, a killed parent) run no cleanup and leave their scratch directories in /tmp: this
# script's p11-kit registry and the PC/SC fixture's (tests/SmartCardPS.TestFixture). Each holds an owner.lock that its
# run keeps locked (flock) while any of its processes lives, made under another name and renamed once locked, so an
# owner.lock nobody holds means its run is gone. Only root's directories of exactly these names go, never through a
# symbolic link (find does not follow them) or across a mount; one without an owner.lock is left alone.
for stale in $(find /tmp -mindepth 1 -maxdepth 1 -type d -user 0 -regextype posix-extended \
    \( -regex '/tmp/smartcardps-pcscd-[0-9a-f]{8}' -o -regex '/tmp/smartcardps-p11kit\.[A-Za-z0-9]{6}' \)); do
  if [ -f "$stale/owner.lock" ] && [ ! -L "$stale/owner.lock" ] && flock -xn "$stale/owner.lock" true 2>/dev/null; then
    rm -rf --one-file-system -- "$stale" 2>/dev/null || true
  fi
done
p11_package_dir=$(pkg-config --variable=p11_module_configs p11-kit-1 2>/dev/null || true)
p11_package_dir=${p11_package_dir:-/usr/share/p11-kit/modules}
targets=(/run/pcscd /etc/pkcs11 "$p11_package_dir")
# A missing mount point must be made on the host's file system, and must go again afterwards: the machine is left
# as found. Every run holds a shared lock while its mounts exist; the last one out (the only one that gets the lock
# exclusively) removes the mount points a run made, which carry a marker on the host side. Removing one while
# another namespace still mounts over it would detach that namespace's registry, hence the lock.
exec 9</etc
flock -s 9
cleanup() {
  # Only our own tmpfs's pcscd: before it is mounted, /run/pcscd is the machine's.
  if [ -n "$mounted" ]; then
    [ -f /run/pcscd/pcscd.pid ] && kill "$(tr -cd 0-9 < /run/pcscd/pcscd.pid)" 2>/dev/null || true
    for target in "${targets[@]}"; do umount "$target" 2>/dev/null || true; done
  fi
  [ -n "$p11_private" ] && rm -rf "$p11_private"
  if flock -xn 9; then
    for target in "${targets[@]}"; do
      if [ -f "$target/.smartcardps-ns-run-made-this" ]; then
        rm -f "$target/.smartcardps-ns-run-made-this"
        rmdir "$target" 2>/dev/null || true
      fi
    done
  fi
}
# Ctrl+C at any point from here on tears down what was set up so far and exits 130 (under load it can come while
# the mounts are still being made, before the command starts).
p11_private=""
mounted=""
trap cleanup EXIT
trap 'exit 130' INT TERM
# Runs that start together (build.ps1 starts three) race to make them: mkdir itself decides which one made it.
for target in "${targets[@]}"; do
  if mkdir -m 0755 "$target" 2>/dev/null; then
    : > "$target/.smartcardps-ns-run-made-this"
  elif [ ! -d "$target" ]; then
    echo "ns-run.sh: cannot make the mount point $target" >&2
    exit 1
  fi
done
p11_private=$(mktemp -d /tmp/smartcardps-p11kit.XXXXXX)
# The command inherits the locked descriptor: the directory is this run's while any process of it lives.
exec 8>"$p11_private/owner.lock.new"
flock -x 8
mv "$p11_private/owner.lock.new" "$p11_private/owner.lock"
mount -t tmpfs -o mode=0755 tmpfs /run/pcscd
mounted=1
for target in /etc/pkcs11 "$p11_package_dir"; do
  private="$p11_private/$(echo "$target" | tr / _)"
  mkdir -m 0755 "$private"
  mount --bind "$private" "$target"
done
chmod 0755 "$p11_private"
"$@" 9<&-
