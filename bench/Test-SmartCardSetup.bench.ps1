#Requires -Version 7.0
<#
.SYNOPSIS
    Test-SmartCardSetup's whole run and each check's own time, side by side with p11tool --list-tokens.
.DESCRIPTION
    The setup of the issue (24, section 5): a private pcscd with two vpcd readers, a card in one (OpenSC probes it
    with every card driver for seconds in C_Initialize), OpenSC and a SoftHSM token registered with a private p11-kit
    registry, and a private opensc.conf. Times, in the same run and in alternating rounds, Test-SmartCardSetup in a
    warm session and p11tool --list-tokens (a process loading every registered module through p11-kit, as a user
    runs it), and prints the medians, the ratio, and each check's median Elapsed (its own wall time, waits for the
    facts it shares included), so the slow checks show and the whole run can be read against the sum of its parts.
    Needs root; re-runs itself inside tests/tools/ns-run.sh so the private pcscd never touches the machine's.
#>
[CmdletBinding()]
param(
    [int] $Rounds = 5,
    # The card's ATR: the test fixture's card by default; OpenSC's probing time depends on which drivers it tries.
    [string] $Atr = '3B 02 14 50',
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'

if ($env:SMARTCARDPS_PCSC_NAMESPACE -ne '1') {
    . (Join-Path $PSScriptRoot 'BenchNamespace.ps1')
    exit (Invoke-InPcscNamespace $PSCommandPath $PSBoundParameters $ModuleDir)
}
. (Join-Path $PSScriptRoot 'SoftHsmBench.ps1') -ModuleDir $ModuleDir

$scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-setup-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory $scratch | Out-Null
$env:OPENSC_CONF = Join-Path $scratch 'opensc.conf'
Set-Content $env:OPENSC_CONF "app default {`n`treader_driver pcsc {`n`t`tenable_pinpad = false;`n`t}`n}`n" -NoNewline
$pcsc = [SmartCardPS.TestFixture.PcscFixture]::Start(2)
$hsm = [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]]@('Bench token'))
try {
    $null = $pcsc.Insert(0, $Atr)
    $deadline = [Diagnostics.Stopwatch]::StartNew()
    while (-not (Get-SmartCardReader | Where-Object CardPresent)) {
        if ($deadline.Elapsed.TotalSeconds -gt 10) { throw 'The virtual card did not show in its reader.' }
        Start-Sleep -Milliseconds 20
    }
    Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    $hsm.Register('softhsm2') | Out-Null
    Register-OpenScModule | Out-Null

    # The same setup for both before timing anything: every check passes (the card is in, the token shows).
    $checks = @(Test-SmartCardSetup -RequireReader -RequireCard -RequireToken)
    $bad = @($checks | Where-Object Status -In 'Fail', 'Warn')
    if ($bad) { throw "The bench setup is not clean: $($bad | ForEach-Object { "$($_.Status) $($_.Name): $($_.Detail)" })" }
    if (-not (& p11tool --list-tokens 2>$null | Select-String 'Bench token')) { throw 'p11tool does not list the SoftHSM token.' }

    # Warm-up: JIT for the cmdlet, page cache for p11tool.
    $null = Test-SmartCardSetup; $null = & p11tool --list-tokens 2>$null

    $perCheck = [ordered]@{}
    foreach ($c in $checks) { $perCheck[$c.Name] = [Collections.Generic.List[double]]::new() }
    $median = Measure-Rounds ([ordered]@{
            'Test-SmartCardSetup'   = { foreach ($c in Test-SmartCardSetup) { $perCheck[$c.Name].Add($c.Elapsed.TotalMilliseconds) } }
            'p11tool --list-tokens' = { & p11tool --list-tokens 2>$null }
        }) $Rounds
    Write-BenchResult "A card in a vpcd reader, OpenSC and SoftHSM registered, median of $Rounds rounds (ms):" $median

    Write-Host ''
    Write-Host "Each check's own time in those runs, median (ms; the checks run at once, so they overlap):"
    $sum = 0
    foreach ($name in $perCheck.Keys) {
        $sorted = @($perCheck[$name] | Sort-Object)
        $ms = $sorted[[int][math]::Floor($sorted.Count / 2)]
        $sum += $ms
        Write-Host ('  {0,-32} {1,8:N1}' -f $name, $ms)
    }
    Write-Host ('  {0,-32} {1,8:N1}  (the whole run took {2:N1}: {3:N2}x less)' -f 'sum of the checks', $sum, $median['Test-SmartCardSetup'], ($sum / $median['Test-SmartCardSetup']))
}
finally {
    Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    $hsm.Dispose()
    $pcsc.Dispose()
    Remove-Item Env:OPENSC_CONF
    # $scratch is this script's own directory under the temp directory, made above.
    if ($scratch -and $scratch.StartsWith([IO.Path]::GetTempPath())) { Remove-Item -LiteralPath $scratch -Recurse -Force }
}
