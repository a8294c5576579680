# build.ps1 -Task Demo on Ctrl+C: the demo tears down (pcscd and the virtual cards stop), then the build exits 130.
# Runs the real demo through the helper build.ps1 uses, in its own process group, and interrupts it as a terminal would.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll { . (Join-Path $PSScriptRoot '../Support/Common.ps1') }

Describe 'The demo' -Skip:$NoFixture {
    It 'writes plain text when its output is redirected, and -WhatIf shows where the real call then writes (issue 23, item 20)' {
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
        $log = Join-Path $TestDrive 'demo-plain.log'
        & env -u SMARTCARDPS_PCSC_NAMESPACE (Join-Path $root 'tests/tools/ns-run.sh') ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile `
            -File (Join-Path $root 'build/Demo.ps1') -ModuleDir $env:SMARTCARDPS_MODULE_DIR *> $log
        $LASTEXITCODE | Should -Be 0
        $text = Get-Content $log -Raw
        $text | Should -BeLike '*Register-OpenScModule -WhatIf*'
        # No colour codes in a file: ESC starts every one of them.
        $text.IndexOf([char]27) | Should -Be -1
        $whatIf = [regex]::Match($text, 'What if: Performing the operation "Register the OpenSC[^"]*" on target "([^"]+)"').Groups[1].Value
        $written = [regex]::Match($text, 'ConfigFile\s*: (\S+)').Groups[1].Value
        $whatIf | Should -Not -BeNullOrEmpty
        $whatIf | Should -Be $written
    }

    It 'exits 130 after Ctrl+C, once pcscd and the virtual cards are gone' {
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
        $log = Join-Path $TestDrive 'demo.log'
        $pwsh = "'$([Environment]::ProcessPath)' '$(Join-Path $PSHOME 'pwsh.dll')' -NoProfile"
        $demo = "$pwsh -Command '. build/BuildHelpers.ps1; exit (Invoke-UntilTornDown env -u SMARTCARDPS_PCSC_NAMESPACE tests/tools/ns-run.sh " +
            "$([Environment]::ProcessPath) $(Join-Path $PSHOME 'pwsh.dll') -NoProfile -File build/Demo.ps1 -ModuleDir $env:SMARTCARDPS_MODULE_DIR)'"
        $script = @"
cd '$root'
set -m
$demo > '$log' 2>&1 & pid=`$!
for i in `$(seq 1 600); do grep -q 'pcscd is up' '$log' && break; sleep 0.1; done
kill -INT -- -`$pid
wait `$pid; echo "exit `$?"
echo "left: `$(pgrep -g `$pid -a | tr '\n' ';')"
"@
        $out = Invoke-WithDefaultSigint bash -c $script 2>&1 | Where-Object { $_ -notmatch '^\[\d+\]' }
        $text = Get-Content $log -Raw
        $text | Should -Match 'pcscd is up'
        $text | Should -Match 'Stopping the virtual cards and pcscd'
        $text | Should -Match 'Interrupted: torn down'
        $out | Should -Be 'exit 130', 'left: '
    }
}
