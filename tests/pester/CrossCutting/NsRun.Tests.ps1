# tests/tools/ns-run.sh leaves the machine as it found it: mount points it had to make go again, also when runs
# overlap. Run in a scratch namespace whose /etc (an overlay) and /run (a tmpfs) lack them, so the real ones are
# never touched.
BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NsRun = (Resolve-Path (Join-Path $PSScriptRoot '../../tools/ns-run.sh')).Path
    # Prints what exists of /etc/pkcs11 and /run/pcscd before, during (seen from inside) and after the runs.
    function Invoke-InScratchNamespace([string] $Runs) {
        # The overlay's upper and work directories live in a tmpfs mounted, inside the namespace only, on a directory
        # made here: it stays empty on the host, which removes it afterwards.
        $scratch = (New-Item -ItemType Directory (Join-Path ([IO.Path]::GetTempPath()) "smartcardps-nsrun-$([guid]::NewGuid().ToString('N').Substring(0, 8))")).FullName
        $script = @"
set -e
t='$scratch'; mount -t tmpfs tmpfs `$t; mkdir `$t/u `$t/w
mount -t overlay overlay -o lowerdir=/etc,upperdir=`$t/u,workdir=`$t/w /etc
mount -t tmpfs tmpfs /run
rmdir /etc/pkcs11 2>/dev/null || rm -rf /etc/pkcs11
exists() { for d in /etc/pkcs11 /run/pcscd; do [ -d `$d ] && printf '%s ' `$d; done; echo; }
echo "before: `$(exists)"
N='$NsRun'
$Runs
echo "after: `$(exists)"
"@
        try { Invoke-WithDefaultSigint unshare --mount --propagation private env -u SMARTCARDPS_PCSC_NAMESPACE bash -c $script 2>&1 }
        finally { [IO.Directory]::Delete($scratch) }
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

    # A run killed outright (SIGKILL, or its parent killed) runs no cleanup: its pcscd fixture's and its p11-kit
    # registry's scratch directories stayed in /tmp for good. The next run removes those, and only those, whose
    # run is gone; two runs at once (build.ps1 starts three) keep each other's. In a /tmp of the test's own.
    It 'removes the scratch directories of a run that was killed outright, and keeps those of a run still going' {
        $why = [SmartCardPS.TestFixture.PcscFixture]::Unavailable()
        Assert-TestDependency ($null -eq $why -or $why -like 'not inside*') "the PC/SC fixture ($why)"
        # The checkout may itself lie in /tmp (CI clones into a private temporary directory), which the new /tmp hides:
        # the runs reach ns-run.sh and the fixture through a bind mount in the scratch /run.
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
        $fixture = '/run/checkout/' + [IO.Path]::GetRelativePath($root, [SmartCardPS.TestFixture.PcscFixture].Assembly.Location)
        $pwsh = "'$([Environment]::ProcessPath)' '$(Join-Path $PSHOME 'pwsh.dll')' -NoProfile -NonInteractive -File /tmp/run.ps1"
        $out = Invoke-InScratchNamespace @"
mkdir /run/checkout; mount --bind '$root' /run/checkout
N=/run/checkout/tests/tools/ns-run.sh
mount -t tmpfs tmpfs /tmp
# A run with the PC/SC fixture: names its directory in `$1 and holds it until `$2 exists.
cat > /tmp/run.ps1 <<'PS'
param(`$Name, `$Release)
Add-Type -Path '$fixture'
`$f = [SmartCardPS.TestFixture.PcscFixture]::Start(0)
Set-Content `$Name (Split-Path (Split-Path `$f.ConfigPath) -Leaf)
while (-not (Test-Path `$Release)) { Start-Sleep -Milliseconds 50 }
`$f.Dispose()
PS
# Waits for the file `$1 the run `$2 writes once it holds its fixture; a hang guard, not a timing.
ready() { for i in `$(seq 1 2400); do [ -s "`$1" ] && return; kill -0 "`$2" 2>/dev/null || break; sleep 0.05; done; echo "no `$1"; }
dirs() { ls -A /tmp | grep '^smartcardps-' | sort | tr '\n' ' '; }
set -m
"`$N" $pwsh /tmp/killed.name /tmp/never & killed=`$!
ready /tmp/killed.name `$killed
kill -KILL -- -`$killed; set +e; wait `$killed 2>/dev/null; set -e
left=`$(dirs)
echo "killed run left: `$(echo "`$left" | sed "s/`$(cat /tmp/killed.name)/its pcscd dir/; s/smartcardps-p11kit[^ ]*/its p11-kit dir/")"
"`$N" $pwsh /tmp/live.name /tmp/release & live=`$!
ready /tmp/live.name `$live
during=`$(dirs)
"`$N" true
after=`$(dirs)
echo "live run has: `$(echo "`$during" | sed "s/`$(cat /tmp/live.name)/its pcscd dir/; s/smartcardps-p11kit[^ ]*/its p11-kit dir/")"
echo "a run later: `$(echo "`$after" | sed "s/`$(cat /tmp/live.name)/the live pcscd dir/; s/smartcardps-p11kit[^ ]*/a p11-kit dir/")"
touch /tmp/release; set +e; wait `$live; echo "live run: `$?"; set -e
echo "left: `$(dirs)"
"@
        $out | Where-Object { $_ -notmatch '^\[\d+\]' } | Should -Be 'before: ', 'killed run left: its p11-kit dir its pcscd dir ',
            'live run has: its p11-kit dir its pcscd dir ', 'a run later: a p11-kit dir the live pcscd dir ', 'live run: 0', 'left: ', 'after: '
    }
}
