# Dot-sourced by the benchmarks that run against a private SoftHSM: loads the built module and the test
# fixture, and times and reports the rounds.

param([string] $ModuleDir)
Import-Module (Join-Path $ModuleDir 'SmartCardPS.psd1') -Force
$fixtureDll = Get-ChildItem (Join-Path $PSScriptRoot '../tests/SmartCardPS.TestFixture/bin') -Recurse -Filter 'SmartCardPS.TestFixture.dll' |
    Sort-Object LastWriteTime -Descending | Select-Object -First 1
if (-not $fixtureDll) { throw 'Build the test fixture first: dotnet pwsh ./build.ps1 -Task Test' }
Add-Type -Path $fixtureDll.FullName
$why = [SmartCardPS.TestFixture.SoftHsmFixture]::Unavailable()
if ($why) { throw "Cannot run the benchmark: $why" }

# Runs a peer tool (p11tool, pkcs11-tool, softhsm2-util); its output only matters when it fails.
function Invoke-Tool {
    $output = & $args[0] @($args | Select-Object -Skip 1) 2>&1
    if ($LASTEXITCODE) { throw "$($args -join ' ') failed: $output" }
}

function Measure-Once([scriptblock] $Action) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $null = & $Action
    $sw.Elapsed.TotalMilliseconds
}

# Runs each action once a round, alternating, and returns the median milliseconds by name.
function Measure-Rounds([System.Collections.Specialized.OrderedDictionary] $Actions, [int] $Rounds) {
    $times = @{}
    foreach ($n in $Actions.Keys) { $times[$n] = [Collections.Generic.List[double]]::new() }
    for ($r = 0; $r -lt $Rounds; $r++) {
        foreach ($n in $Actions.Keys) { $times[$n].Add((Measure-Once $Actions[$n])) }
    }
    $median = [ordered]@{}
    foreach ($n in $Actions.Keys) { $sorted = @($times[$n] | Sort-Object); $median[$n] = $sorted[[int][math]::Floor($sorted.Count / 2)] }
    $median
}

# Prints the medians (the first entry is ours) and each peer's time as a multiple of ours.
function Write-BenchResult([string] $Title, [System.Collections.Specialized.OrderedDictionary] $Median) {
    $names = @($Median.Keys)
    Write-Host ''
    Write-Host $Title
    foreach ($n in $names) { Write-Host ('  {0,-22} {1,8:N1}' -f $n, $Median[$n]) }
    foreach ($n in $names | Select-Object -Skip 1) {
        Write-Host ('  {0,-22} / {1} = {2:N2}x' -f $n, $names[0], ($Median[$n] / $Median[$names[0]]))
    }
}
