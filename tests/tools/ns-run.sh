#!/usr/bin/env bash
# Runs a command in a private mount namespace with its own empty /run/pcscd, so the PC/SC test
# fixture can start pcscd there without touching the machine's. Everything the command starts
# (dotnet test, pwsh, opensc-tool, pcsc_scan) sees only that pcscd.
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
trap 'exit 130' INT TERM
"$@"
