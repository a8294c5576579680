#Requires -Version 7.0
<#
.SYNOPSIS
    What importing SmartCardPS adds to starting pwsh: `pwsh -NoProfile -c exit` and
    `pwsh -NoProfile -c 'Import-Module out/SmartCardPS; exit'` run alternately, median of each, and the difference.
.DESCRIPTION
    Build first (dotnet pwsh ./build.ps1), then: dotnet pwsh -File bench/Import-Module.bench.ps1
    The two commands alternate so that load on the machine falls on both alike. CI steps and scripts pay the
    difference on every call; the target is under 100 ms.
#>
[CmdletBinding()]
param(
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS'),
    [int] $Runs = 15
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
if (-not (Test-Path $manifest)) { throw "No module in ${ModuleDir}: run 'dotnet pwsh ./build.ps1' first." }
$manifest = (Resolve-Path $manifest).Path

# The same pwsh this script runs in: under 'dotnet pwsh' the process is dotnet and the tool's dll comes first.
$pwsh = [Environment]::ProcessPath
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })

function Measure-Start([string] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $pwsh @prefix -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE) { throw "pwsh -c '$Command' exited with $LASTEXITCODE" }
    $sw.Elapsed.TotalMilliseconds
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

$import = "Import-Module '$manifest'; exit"
# One of each first, untimed: the disk cache then holds pwsh and the module for every timed run.
$null = Measure-Start 'exit'
$null = Measure-Start $import
$bare = [Collections.Generic.List[double]]::new()
$with = [Collections.Generic.List[double]]::new()
foreach ($i in 1..$Runs) {
    $bare.Add((Measure-Start 'exit'))
    $with.Add((Measure-Start $import))
}
$bareMedian = Get-Median $bare
$withMedian = Get-Median $with
$added = $withMedian - $bareMedian

[pscustomobject]@{ Command = 'pwsh -NoProfile -c exit'; Runs = $Runs; 'Median ms' = [math]::Round($bareMedian, 1); 'Min ms' = [math]::Round(($bare | Measure-Object -Minimum).Minimum, 1) },
[pscustomobject]@{ Command = "pwsh -NoProfile -c 'Import-Module SmartCardPS; exit'"; Runs = $Runs; 'Median ms' = [math]::Round($withMedian, 1); 'Min ms' = [math]::Round(($with | Measure-Object -Minimum).Minimum, 1) } |
    Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host ("Import-Module adds {0:N1} ms (median against median; target < 100 ms: {1})." -f $added, $(if ($added -lt 100) { 'met' } else { 'NOT met' }))
