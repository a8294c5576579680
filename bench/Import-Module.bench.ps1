#Requires -Version 7.0
<#
.SYNOPSIS
    What importing SmartCardPS adds to starting pwsh: `pwsh -NoProfile -c exit` and
    `pwsh -NoProfile -c 'Import-Module out/SmartCardPS; exit'` run alternately, median of each, and the difference;
    beside them the import of a manifest that holds nothing, PowerShell's floor for any module.
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

# Each run reports, from inside, the process's CPU time at its end and (with the module) how long Import-Module
# took; outside, the wall time of the whole process. On a busy machine the wall time of a process start varies by
# hundreds of ms, so the CPU time and the in-process import time are printed beside it.
function Measure-Start([string] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $out = & $pwsh @prefix -NoProfile -NonInteractive -Command "$Command; [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds; exit"
    $wall = $sw.Elapsed.TotalMilliseconds
    if ($LASTEXITCODE) { throw "pwsh -c '$Command' exited with $LASTEXITCODE" }
    $values = @($out | ForEach-Object { [double]$_ })
    [pscustomobject]@{ Wall = $wall; Cpu = $values[-1]; Import = $(if ($values.Count -gt 1) { $values[0] } else { 0 }) }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $mid = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

# Both time their middle the same way, so the difference is Import-Module alone (the bare run's figure is dropped).
$bareCommand = "`$sw = [Diagnostics.Stopwatch]::StartNew(); `$null = 0; `$null = `$sw.Elapsed.TotalMilliseconds"
$importCommand = "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$sw.Elapsed.TotalMilliseconds"
# PowerShell's floor beside it: a manifest module that holds nothing (no assembly, no views, no commands) costs this
# much to import in the same kind of session; what SmartCardPS adds beyond it is ours.
$emptyDir = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-bench-empty-$([guid]::NewGuid().ToString('N').Substring(0, 8))/Empty"
New-Item -ItemType Directory $emptyDir | Out-Null
Set-Content (Join-Path $emptyDir 'Empty.psd1') "@{ ModuleVersion = '1.0.0' }"
$emptyCommand = "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$(Join-Path $emptyDir 'Empty.psd1')'; `$sw.Elapsed.TotalMilliseconds"
# One of each first, untimed: the disk cache then holds pwsh and the module for every timed run.
$null = Measure-Start $bareCommand
$null = Measure-Start $importCommand
$null = Measure-Start $emptyCommand
$bare = [Collections.Generic.List[object]]::new()
$with = [Collections.Generic.List[object]]::new()
$empty = [Collections.Generic.List[object]]::new()
try {
    foreach ($i in 1..$Runs) {
        $bare.Add((Measure-Start $bareCommand))
        $with.Add((Measure-Start $importCommand))
        $empty.Add((Measure-Start $emptyCommand))
    }
}
finally {
    Remove-Item (Split-Path $emptyDir) -Recurse -Force
}
$bareWall = Get-Median $bare.Wall
$withWall = Get-Median $with.Wall
$bareCpu = Get-Median $bare.Cpu
$withCpu = Get-Median $with.Cpu
$import = Get-Median $with.Import
$added = $withWall - $bareWall

[pscustomobject]@{ Command = 'pwsh -NoProfile -c exit'; Runs = $Runs; 'Wall ms (median)' = [math]::Round($bareWall, 1); 'CPU ms (median)' = [math]::Round($bareCpu, 1); 'Import-Module ms (median)' = '' },
[pscustomobject]@{ Command = "pwsh -NoProfile -c 'Import-Module SmartCardPS; exit'"; Runs = $Runs; 'Wall ms (median)' = [math]::Round($withWall, 1); 'CPU ms (median)' = [math]::Round($withCpu, 1); 'Import-Module ms (median)' = [math]::Round($import, 1) },
[pscustomobject]@{ Command = "pwsh -NoProfile -c 'Import-Module <empty manifest>; exit'"; Runs = $Runs; 'Wall ms (median)' = [math]::Round((Get-Median $empty.Wall), 1); 'CPU ms (median)' = [math]::Round((Get-Median $empty.Cpu), 1); 'Import-Module ms (median)' = [math]::Round((Get-Median $empty.Import), 1) } |
    Format-Table -AutoSize | Out-String -Width 200 | Write-Host
# Each import run against the bare run just before it: the middle half of those differences shows the noise.
$pairs = @(for ($i = 0; $i -lt $Runs; $i++) { $with[$i].Wall - $bare[$i].Wall }) | Sort-Object
$quarter = [int][math]::Floor($Runs / 4)
Write-Host ("Import-Module adds {0:N1} ms of wall time and {1:N1} ms of CPU time (median against median; the import itself takes {2:N1} ms; the middle half of the {3} paired differences lies between {4:N0} and {5:N0} ms); target < 100 ms: {6}." -f
    $added, ($withCpu - $bareCpu), $import, $Runs, $pairs[$quarter], $pairs[$Runs - 1 - $quarter], $(if ($added -lt 100) { 'met' } else { 'NOT met' }))
Write-Host ("PowerShell's floor: importing a manifest that holds nothing adds {0:N1} ms of wall time (the import itself {1:N1} ms), so SmartCardPS's own share is {2:N1} ms of wall time and {3:N1} ms inside Import-Module." -f
    ((Get-Median $empty.Wall) - $bareWall), (Get-Median $empty.Import), ($withWall - (Get-Median $empty.Wall)), ($import - (Get-Median $empty.Import)))
