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
mkdir -p /run/pcscd
mount -t tmpfs -o mode=0755 tmpfs /run/pcscd
# A fixture that died without cleaning up must not leave pcscd running in the namespace.
cleanup() { [ -f /run/pcscd/pcscd.pid ] && kill "$(tr -cd 0-9 < /run/pcscd/pcscd.pid)" 2>/dev/null || true; }
trap cleanup EXIT
p11_package_dir=$(pkg-config --variable=p11_module_configs p11-kit-1 2>/dev/null || true)
p11_package_dir=${p11_package_dir:-/usr/share/p11-kit/modules}
p11_private=$(mktemp -d /tmp/smartcardps-p11kit.XXXXXX)
trap 'cleanup; rm -rf "$p11_private"' EXIT
for target in /etc/pkcs11 "$p11_package_dir"; do
  # A missing target gets an empty directory to mount over; it stays, as removing a mount point
  # another namespace still uses would detach that namespace's registry.
  [ -d "$target" ] || mkdir -p -m 0755 "$target"
  private="$p11_private/$(echo "$target" | tr / _)"
  mkdir -m 0755 "$private"
  mount --bind "$private" "$target"
done
chmod 0755 "$p11_private"
trap 'exit 130' INT TERM
"$@"
