# tests/tools/ns-run.sh leaves the machine as it found it: mount points it had to make go again, also when runs
# overlap. Run in a scratch namespace whose /etc (an overlay) and /run (a tmpfs) lack them, so the real ones are
# never touched.
BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NsRun = (Resolve-Path (Join-Path $PSScriptRoot '../../tools/ns-run.sh')).Path
    # Prints what exists of /etc/pkcs11 and /run/pcscd before, during (seen from inside) and after the runs.
    function Invoke-InScratchNamespace([string] $Runs) {
        $script = @"
set -e
t=`$(mktemp -d); mount -t tmpfs tmpfs `$t; mkdir `$t/u `$t/w
mount -t overlay overlay -o lowerdir=/etc,upperdir=`$t/u,workdir=`$t/w /etc
mount -t tmpfs tmpfs /run
rmdir /etc/pkcs11 2>/dev/null || rm -rf /etc/pkcs11
exists() { for d in /etc/pkcs11 /run/pcscd; do [ -d `$d ] && printf '%s ' `$d; done; echo; }
echo "before: `$(exists)"
N='$NsRun'
$Runs
echo "after: `$(exists)"
"@
        Invoke-WithDefaultSigint unshare --mount --propagation private env -u SMARTCARDPS_PCSC_NAMESPACE bash -c $script 2>&1
    }
}

Describe 'ns-run.sh' {
    It 'makes the mount points it needs and removes them afterwards' {
        $out = Invoke-InScratchNamespace '"$N" sh -c ''echo "inside: $(ls -A /etc/pkcs11 /run/pcscd | tr -d "\n")"'''
        $out | Should -Be 'before: ', 'inside: /etc/pkcs11:/run/pcscd:', 'after: '
    }

    It 'keeps them while an overlapping run still uses them' {
        $out = Invoke-InScratchNamespace @'
"$N" sleep 2 &
sleep 0.5
"$N" true; echo "first done: $(exists)"
wait
'@
        $out | Should -Be 'before: ', 'first done: /etc/pkcs11 /run/pcscd ', 'after: '
    }

    # CI's first failure on a fresh machine: xunit, Pester and the Wine tests start their runs together, and all but
    # the first to make /run/pcscd exited 1 at once ("File exists").
    It 'lets runs that start together share the mount points one of them makes' {
        $out = Invoke-InScratchNamespace @'
pids=""; for i in 1 2 3 4 5 6 7 8; do "$N" true & pids="$pids $!"; done
codes=""; for p in $pids; do set +e; wait $p; codes="$codes$?"; set -e; done; echo "exits: $codes"
'@
        $out | Should -Be 'before: ', 'exits: 00000000', 'after: '
    }

    It 'exits 130 on Ctrl+C (SIGINT to its process group) after tearing down' {
        $out = Invoke-InScratchNamespace @'
set -m; "$N" sleep 30 & pid=$!
for i in $(seq 1 600); do pgrep -g $pid -x sleep >/dev/null && break; sleep 0.05; done
kill -INT -- -$pid; set +e; wait $pid; echo "exit: $?"
'@
        $out | Where-Object { $_ -notmatch '^\[\d+\]' } | Should -Be 'before: ', 'exit: 130', 'after: '
    }
}
