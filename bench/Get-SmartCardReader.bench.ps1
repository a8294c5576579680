<#
.SYNOPSIS
    Listing readers with their cards: Get-SmartCardReader in a warm session against opensc-tool -l and
    pcsc_scan -r, run side by side on the same private pcscd.
.DESCRIPTION
    Run after building, inside the private namespace:
        tests/tools/ns-run.sh dotnet pwsh -File bench/Get-SmartCardReader.bench.ps1
    The peers are whole processes (that is how people run them); the cmdlet is timed in a warm session,
    which is how scripts and prompts use it. Prints the per-call cost of each and the ratios.
#>
param([int] $Iterations = 200, [int] $PeerIterations = 30, [string] $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
$root = Join-Path $PSScriptRoot '..'
Import-Module (Join-Path $root 'out/SmartCardPS/SmartCardPS.psd1') -Force
Add-Type -Path (Join-Path $root "tests/SmartCardPS.TestFixture/bin/$Configuration/netstandard2.0/SmartCardPS.TestFixture.dll")

function Measure-PerCall([int] $n, [scriptblock] $action) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 0; $i -lt $n; $i++) { & $action | Out-Null }
    $sw.Elapsed.TotalMilliseconds / $n
}

$pcsc = [SmartCardPS.TestFixture.PcscFixture]::Start(2)
try {
    $pcsc.Insert(0, '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC') | Out-Null
    $pcsc.Insert(1, '3B 02 14 50') | Out-Null
    Get-SmartCardReader | Out-Null   # warm-up: JIT and library load
    $ours = Measure-PerCall $Iterations { Get-SmartCardReader }
    $opensc = Measure-PerCall $PeerIterations { opensc-tool -l }
    $pcscScan = Measure-PerCall $PeerIterations { pcsc_scan -r }
    [pscustomobject]@{ Tool = 'Get-SmartCardReader (warm session)'; MsPerCall = [math]::Round($ours, 3); Ratio = 1 }
    [pscustomobject]@{ Tool = 'opensc-tool -l'; MsPerCall = [math]::Round($opensc, 3); Ratio = [math]::Round($opensc / $ours, 1) }
    [pscustomobject]@{ Tool = 'pcsc_scan -r'; MsPerCall = [math]::Round($pcscScan, 3); Ratio = [math]::Round($pcscScan / $ours, 1) }
}
finally {
    $pcsc.Dispose()
}
