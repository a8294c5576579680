# build.ps1 -Task Mutants on Ctrl+C: the planted source goes back, the task says it was interrupted and exits 130,
# and prints no verdict (pwsh -File stopped by Ctrl+C exits 0, which read as a passing run). The real task runs on
# one mutant in a scratch copy of the checkout, since it rebuilds out/SmartCardPS and plants its mutant in the
# sources, and is interrupted as a terminal would. build.ps1 runs tests/tasks in the background after the Wine tests,
# beside Pester, not in Pester's run.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../pester/Support/Common.ps1')
    $script:NoFixture = -not (Test-PcscFixtureRequired)
}

BeforeAll { . (Join-Path $PSScriptRoot '../pester/Support/Common.ps1') }

Describe 'build.ps1 -Task Mutants' -Skip:$NoFixture {
    # The nightly run interrupts once the mutant is planted, after two full builds and the baseline (about a minute of
    # both cores); the suite's run, while the task builds the module, which shows the same exit code, teardown and
    # silence for a tenth of the cost.
    It 'exits 130 after Ctrl+C <When>, with the source file as it was and no verdict' -ForEach @(
        if ($env:SMARTCARDPS_NIGHTLY -eq '1') { @{ When = 'while a mutant is planted'; Planted = $true } }
        else { @{ When = 'while it builds'; Planted = $false } }
    ) {
        $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $copy = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-mutants-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        $log = Join-Path $TestDrive 'mutants.log'
        # A Pester-only mutant whose tests need neither pcscd nor a module: the cheapest to build and run.
        $mutant = 'low-and-reversed-quotes-not-doubled'
        $source = 'src/SmartCardPS.Core/Text/PowerShellQuote.cs'
        $pwsh = "'$([Environment]::ProcessPath)' '$(Join-Path $PSHOME 'pwsh.dll')' -NoProfile"
        # No build server or reused MSBuild node may outlive the task in its process group; its ns-run.sh makes a
        # namespace of its own rather than mounting over this one's.
        $script = @"
set -e
mkdir '$copy'
tar -C '$root' --exclude=./.git --exclude=./out --exclude=bin --exclude=obj --exclude=TestResults -cf - . | tar -C '$copy' -xf -
cd '$copy'
# Its list holds that mutant alone: with a mutant of build/Mutants.ps1 planted in the checkout (the task testing
# itself), that mutant's own line would no longer find its text, and the copy's task would refuse the whole list.
awk -F '\t' -v m='$mutant' '`$1 == m' '$root/tests/mutants/mutants.tsv' > tests/mutants/mutants.tsv
set +e -m
env -u SMARTCARDPS_PCSC_NAMESPACE MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false $pwsh -File build.ps1 -Task Mutants -Mutant $mutant > '$log' 2>&1 & pid=`$!
if [ '$Planted' = True ]; then
  for i in `$(seq 1 12000); do cmp -s '$root/$source' '$source' || break; kill -0 `$pid 2>/dev/null || break; sleep 0.1; done
  echo "planted: `$(cmp -s '$root/$source' '$source' || echo '$source')"
else
  for i in `$(seq 1 12000); do grep -q '==> Building the module' '$log' && break; kill -0 `$pid 2>/dev/null || break; sleep 0.1; done
  echo "building: `$(grep -c '==> Building the module' '$log')"
fi
kill -INT -- -`$pid
wait `$pid; echo "exit `$?"
echo "left: `$(pgrep -g `$pid -a | tr '\n' ';')"
"@
        try {
            $out = Invoke-WithDefaultSigint bash -c $script 2>&1 | Where-Object { $_ -notmatch '^\[\d+\]' }
            $text = Get-Content $log -Raw
            $out | Should -Be $(if ($Planted) { "planted: $source" } else { 'building: 1' }), 'exit 130', 'left: ' -Because ((Get-Content $log -Tail 15) -join "`n")
            (Get-FileHash (Join-Path $copy $source)).Hash | Should -Be (Get-FileHash (Join-Path $root $source)).Hash
            $text | Should -Match 'Interrupted'
            $text | Should -Not -Match '\b(Killed|Survived|Stillborn)\b|mutants killed'
        }
        finally {
            if (Test-Path $copy) { Remove-Item $copy -Recurse -Force }
        }
    }
}
