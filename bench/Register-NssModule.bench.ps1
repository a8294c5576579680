#Requires -Version 7.0
<#
.SYNOPSIS
    Registers a PKCS#11 module in 20 Firefox profiles with Register-NssModule -AllProfiles and with modutil -add
    (one process per profile, as a script would run it), side by side, and prints the times and the ratio.
.DESCRIPTION
    Build first (dotnet pwsh ./build.ps1), then: dotnet pwsh bench/Register-NssModule.bench.ps1
    The profiles live in a temporary HOME (profiles.ini plus 20 databases made by certutil -N), never the
    user's. Each round starts from fresh pkcs11.txt copies; the goal is under one second for 20 profiles.
#>
[CmdletBinding()]
param(
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS'),
    [int] $Profiles = 20,
    [int] $Rounds = 5,
    [string] $Library = '/usr/lib/softhsm/libsofthsm2.so'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
if (-not (Test-Path $manifest)) { throw "No module in ${ModuleDir}: run 'dotnet pwsh ./build.ps1' first." }
foreach ($tool in 'certutil', 'modutil') { if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) { throw "No ${tool}: install libnss3-tools." } }
Import-Module $manifest -Force

$savedHome = $env:HOME
$home_ = Join-Path ([IO.Path]::GetTempPath()) ('smartcardps-bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
$root = Join-Path $home_ '.mozilla/firefox'
try {
    New-Item -ItemType Directory $root | Out-Null
    $ini = [Text.StringBuilder]::new()
    $dirs = foreach ($i in 1..$Profiles) {
        $dir = Join-Path $root "p$i.bench"
        New-Item -ItemType Directory $dir | Out-Null
        & certutil -N --empty-password -d "sql:$dir"
        [void]$ini.Append("[Profile$($i - 1)]`nName=bench$i`nIsRelative=1`nPath=p$i.bench`n`n")
        $dir
    }
    Set-Content (Join-Path $root 'profiles.ini') $ini.ToString()
    $pristine = @{}
    foreach ($d in $dirs) { $pristine[$d] = [IO.File]::ReadAllBytes("$d/pkcs11.txt") }
    function Reset-Profiles { foreach ($d in $dirs) { [IO.File]::WriteAllBytes("$d/pkcs11.txt", $pristine[$d]) } }
    $env:HOME = $home_

    $ours = [Collections.Generic.List[double]]::new()
    $peer = [Collections.Generic.List[double]]::new()
    foreach ($round in 0..$Rounds) {
        Reset-Profiles
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $n = @(Register-NssModule -AllProfiles -Name Bench -ModulePath $Library).Count
        $t = $sw.Elapsed.TotalMilliseconds
        if ($n -ne $Profiles) { throw "Register-NssModule registered $n of $Profiles profiles." }
        if ($round -gt 0) { $ours.Add($t) }   # round 0 warms up (JIT)

        Reset-Profiles
        $sw.Restart()
        foreach ($d in $dirs) { & modutil -dbdir "sql:$d" -force -add Bench -libfile $Library | Out-Null }
        $t = $sw.Elapsed.TotalMilliseconds
        if ($round -gt 0) { $peer.Add($t) }
    }
    $median = { param($xs) ($xs | Sort-Object)[[int][math]::Floor($xs.Count / 2)] }
    $a = & $median $ours
    $b = & $median $peer
    [pscustomobject]@{ Tool = 'Register-NssModule -AllProfiles'; Profiles = $Profiles; 'ms (median)' = [math]::Round($a, 1) },
    [pscustomobject]@{ Tool = 'modutil -add, one per profile'; Profiles = $Profiles; 'ms (median)' = [math]::Round($b, 1) } | Format-Table -AutoSize | Out-Host
    Write-Host ("Register-NssModule is {0:N1}x faster than modutil; {1} profiles in {2:N0} ms ({3})." -f ($b / $a), $Profiles, $a, $(if ($a -lt 1000) { 'under one second' } else { 'OVER one second' }))
}
finally {
    $env:HOME = $savedHome
    Remove-Item $home_ -Recurse -Force -ErrorAction SilentlyContinue
}
