#Requires -Version 7.0
<#
.SYNOPSIS
    Decodes and identifies every concrete ATR of smartcard_list.txt with ConvertFrom-Atr, pcsc-tools' ATR_analysis
    and pyscard's ATR class in the same run, and prints the cost per ATR of each and the ratios.
.DESCRIPTION
    Build first (dotnet pwsh ./build.ps1), then: dotnet pwsh bench/ConvertFrom-Atr.bench.ps1
    ConvertFrom-Atr is measured through the pipeline ($atrs | ConvertFrom-Atr) and with all ATRs as one argument,
    after warm-up rounds; its first call is measured in fresh processes, database load included. ATR_analysis
    starts one perl process per ATR, as it is used, on an even sample; pyscard's ATR class is timed inside Python
    (interpreter start excluded) and only decodes: it has no identification.
#>
[CmdletBinding()]
param(
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS'),
    [string] $DatabasePath = '/usr/share/pcsc/smartcard_list.txt',
    [int] $AtrAnalysisSample = 200,
    [int] $Rounds = 5,
    [int] $FirstCallRuns = 5
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
if (-not (Test-Path $manifest)) { throw "No module in ${ModuleDir}: run 'dotnet pwsh ./build.ps1' first." }
$manifest = (Resolve-Path $manifest).Path
if (-not (Test-Path $DatabasePath)) { throw "No ${DatabasePath}: install pcsc-tools." }

$atrs = @(Get-Content $DatabasePath | Where-Object { $_ -cmatch '^[0-9A-F]{2}( [0-9A-F]{2})*$' } | Select-Object -Unique)
Write-Host "$($atrs.Count) concrete ATRs from $DatabasePath on $([Environment]::ProcessorCount) cores"

function New-Row([string] $Tool, [string] $How, [int] $Count, [double] $Seconds) {
    [pscustomobject]@{ Tool = $Tool; How = $How; ATRs = $Count; 'us/ATR' = [math]::Round($Seconds * 1e6 / $Count, 2); 'ATRs/s' = [int]($Count / $Seconds) }
}

# First call in fresh sessions: import, then one ConvertFrom-Atr that loads and indexes the database.
$pwsh = [Environment]::ProcessPath
$prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { [Environment]::GetCommandLineArgs()[0] })
$probe = "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; `$import = `$sw.Elapsed.TotalMilliseconds; " +
    "`$sw.Restart(); `$r = ConvertFrom-Atr '$($atrs[0])' -DatabasePath '$DatabasePath'; `$first = `$sw.Elapsed.TotalMilliseconds; " +
    "`$sw.Restart(); `$null = ConvertFrom-Atr '$($atrs[1])' -DatabasePath '$DatabasePath'; " +
    "'{0} {1} {2} {3}' -f `$import, `$first, `$sw.Elapsed.TotalMilliseconds, [bool]`$r.CardName"
$firstCalls = foreach ($i in 1..$FirstCallRuns) {
    $import, $first, $second, $named = (& $pwsh @prefix -NoProfile -NonInteractive -Command $probe) -split ' '
    [pscustomobject]@{ Import = [double]$import; First = [double]$first; Second = [double]$second; Named = $named }
}
$firstSorted = @($firstCalls | Sort-Object First)
$firstMedian = $firstSorted[[int][math]::Floor($firstSorted.Count / 2)]

# The first pass over all ATRs in a fresh session, as a user's first '$atrs | ConvertFrom-Atr' runs: import done,
# then database load and index, the runtime compiling every path for the first time, and the pipeline.
$atrFile = [IO.Path]::GetTempFileName()
Set-Content $atrFile $atrs
function Measure-FirstPass([string] $Command) {
    $probe = "Import-Module '$manifest'; `$atrs = [IO.File]::ReadAllLines('$atrFile'); `$sw = [Diagnostics.Stopwatch]::StartNew(); " +
        "`$null = `$atrs | $Command; `$sw.Elapsed.TotalSeconds"
    @(@(foreach ($i in 1..$FirstCallRuns) { [double](& $pwsh @prefix -NoProfile -NonInteractive -Command $probe | Select-Object -Last 1) }) | Sort-Object)
}
$firstPasses = Measure-FirstPass "ConvertFrom-Atr -DatabasePath '$DatabasePath' -ErrorAction SilentlyContinue"
# PowerShell's own floor beside it: the same strings piped through Write-Output, which does nothing with them, in the
# same kind of fresh session. No cmdlet's first pass can be faster than this pwsh moves the items.
$floorPasses = Measure-FirstPass 'Write-Output'
Remove-Item $atrFile
$firstPass = $firstPasses[[int][math]::Floor($firstPasses.Count / 2)]
$floorPass = $floorPasses[[int][math]::Floor($floorPasses.Count / 2)]

Import-Module $manifest -Force
$rows = [System.Collections.Generic.List[object]]::new()
$rows.Add((New-Row 'ConvertFrom-Atr' "pipeline, first pass in a fresh session (median of $FirstCallRuns)" $atrs.Count $firstPass))
$rows.Add((New-Row 'Write-Output' "pipeline, first pass in a fresh session (median of $FirstCallRuns): pwsh's floor" $atrs.Count $floorPass))

$null = ConvertFrom-Atr $atrs[0] -DatabasePath $DatabasePath
$sw = [Diagnostics.Stopwatch]::StartNew()
$null = $atrs | ConvertFrom-Atr -DatabasePath $DatabasePath -ErrorAction SilentlyContinue
$rows.Add((New-Row 'ConvertFrom-Atr' 'pipeline, first round after one call (cold JIT)' $atrs.Count $sw.Elapsed.TotalSeconds))

# Warm-up: the runtime compiles hot code to its optimised tier after a while of steady use.
$warm = [Diagnostics.Stopwatch]::StartNew()
while ($warm.Elapsed.TotalSeconds -lt 3) { $null = $atrs | ConvertFrom-Atr -DatabasePath $DatabasePath -ErrorAction SilentlyContinue }
$decoded = @($atrs | ConvertFrom-Atr -DatabasePath $DatabasePath -ErrorAction SilentlyContinue -ErrorVariable rejected)
$named = @($decoded | Where-Object CardName).Count

$best = [double]::MaxValue
foreach ($i in 1..$Rounds) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $null = $atrs | ConvertFrom-Atr -DatabasePath $DatabasePath -ErrorAction SilentlyContinue
    $best = [math]::Min($best, $sw.Elapsed.TotalSeconds)
}
$rows.Add((New-Row 'ConvertFrom-Atr' 'pipeline ($atrs | ConvertFrom-Atr), warm, best round' $atrs.Count $best))
$best = [double]::MaxValue
foreach ($i in 1..$Rounds) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $null = ConvertFrom-Atr -Atr $atrs -DatabasePath $DatabasePath -ErrorAction SilentlyContinue
    $best = [math]::Min($best, $sw.Elapsed.TotalSeconds)
}
$rows.Add((New-Row 'ConvertFrom-Atr' 'one argument (-Atr $atrs), warm, best round' $atrs.Count $best))

# The core library without PowerShell's per-object pipeline cost: the same kind of in-process loop as pyscard's row.
$coreDll = Join-Path (Split-Path $manifest) 'SmartCardPS.Core.dll'
Add-Type -ReferencedAssemblies $coreDll, ([System.Reflection.Assembly]::Load('netstandard').Location) -TypeDefinition @'
public static class AtrCoreBench
{
    public static double BestSeconds(string[] atrs, string databasePath, int rounds)
    {
        var db = SmartCardPS.Atr.AtrDatabase.FromFile(databasePath);
        // The runtime moves hot code to its optimised tier only once the process has been busy for a while: warm up
        // for two seconds, then time.
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 2) Round(atrs, db);
        double best = double.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            Round(atrs, db);
            if (sw.Elapsed.TotalSeconds < best) best = sw.Elapsed.TotalSeconds;
        }
        return best;
    }

    private static void Round(string[] atrs, SmartCardPS.Atr.AtrDatabase db)
    {
        foreach (string atr in atrs)
        {
            try { db.Decode(SmartCardPS.Atr.AtrText.ParseHex(atr)); }
            catch (SmartCardPS.Atr.AtrParseException) { }
        }
    }
}
'@
$rows.Add((New-Row 'SmartCardPS.Core' 'in-process loop, warm, AtrParser.Parse + identify' $atrs.Count ([AtrCoreBench]::BestSeconds($atrs, $DatabasePath, 20))))

# ATR_analysis: one perl process per ATR, as pcsc_scan and users run it. A private HOME holding a fresh copy of
# the list as its cache keeps it from downloading a newer one.
$atrAnalysis = Get-Command ATR_analysis -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if ($atrAnalysis) {
    $analysisHome = Join-Path ([IO.Path]::GetTempPath()) "atr-bench-$PID"
    New-Item -ItemType Directory (Join-Path $analysisHome '.cache') -Force | Out-Null
    Copy-Item $DatabasePath (Join-Path $analysisHome '.cache/smartcard_list.txt')
    $step = [math]::Max(1, [int][math]::Floor($atrs.Count / $AtrAnalysisSample))
    $sample = @(for ($i = 0; $i -lt $atrs.Count; $i += $step) { $atrs[$i] })
    $savedHome = $env:HOME
    try {
        $env:HOME = $analysisHome
        $sw = [Diagnostics.Stopwatch]::StartNew()
        foreach ($atr in $sample) { $null = & $atrAnalysis.Source $atr 2>$null }
        $rows.Add((New-Row 'ATR_analysis' 'one process per ATR, decode + identify' $sample.Count $sw.Elapsed.TotalSeconds))
    }
    finally {
        $env:HOME = $savedHome
        Remove-Item $analysisHome -Recurse -Force
    }
}
else {
    Write-Warning 'ATR_analysis is not installed (apt install pcsc-tools): skipped.'
}

# pyscard's ATR class, timed inside Python over all ATRs.
$python = '/usr/bin/python3'
$hasPyscard = (Test-Path $python) -and $(& $python -c 'import smartcard.ATR' 2>$null; $LASTEXITCODE -eq 0)
if ($hasPyscard) {
    $list = [IO.Path]::GetTempFileName()
    Set-Content $list $atrs
    $script = @'
import sys, time
from smartcard.ATR import ATR
atrs = [bytes.fromhex(l) for l in open(sys.argv[1]).read().split("\n") if l.strip()]
rounds = int(sys.argv[2])
best = None
for r in range(rounds + 1):
    t = time.perf_counter()
    for a in atrs:
        try:
            ATR(list(a))
        except Exception:
            pass
    e = time.perf_counter() - t
    if r > 0 and (best is None or e < best):
        best = e
print(len(atrs), best)
'@
    try {
        $count, $seconds = (& $python -c $script $list $Rounds) -split ' '
        $rows.Add((New-Row 'pyscard ATR' 'in-process loop, decode only (no identification)' ([int]$count) ([double]$seconds)))
    }
    finally {
        Remove-Item $list
    }
}
else {
    Write-Warning 'pyscard is not installed (apt install python3-pyscard): skipped.'
}

$reference = $rows[3].'us/ATR'
foreach ($row in $rows) { $row | Add-Member 'x ConvertFrom-Atr pipeline' ([math]::Round($row.'us/ATR' / $reference, 2)) }
$rows | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
Write-Host ("ConvertFrom-Atr decoded {0} of {1} ATRs ({2} rejected with a typed error) and named {3}." -f $decoded.Count, $atrs.Count, $rejected.Count, $named)
Write-Host ("First call in a fresh session (median of {0}): Import-Module {1:N1} ms, first ConvertFrom-Atr {2:N1} ms (database load and index included), second call {3:N2} ms; fastest first call {4:N1} ms." -f
    $FirstCallRuns, $firstMedian.Import, $firstMedian.First, $firstMedian.Second, $firstSorted[0].First)
$target = $rows[3].'ATRs/s'
$cold = $rows[0].'ATRs/s'
# Fresh processes vary a lot on a shared machine: the spread says how far to trust the median.
Write-Host ("Pipeline over {0} ATRs: {1:N0} ATRs/s on the first pass in a fresh session (median of {2}, from {3:N0} to {4:N0}; database load included), {5:N0} ATRs/s warm." -f
    $atrs.Count, $cold, $FirstCallRuns, ($atrs.Count / $firstPasses[-1]), ($atrs.Count / $firstPasses[0]), $target)
Write-Host ("PowerShell's floor in the same kind of session: `$atrs | Write-Output moves {0:N0} ATRs/s on its first pass (from {1:N0} to {2:N0}); the first pass of ConvertFrom-Atr, decoding and naming, takes {3:N2} times as long." -f
    $rows[1].'ATRs/s', ($atrs.Count / $floorPasses[-1]), ($atrs.Count / $floorPasses[0]), ($firstPass / $floorPass))
Write-Host ("Targets: pipeline >= 50,000 ATRs/s: {0:N0} warm, {1:N0} first pass in a fresh session ({2}); first call < 150 ms: {3:N1} ms ({4})." -f
    $target, $cold, $(if ($cold -ge 50000 -and $target -ge 50000) { 'met' } elseif ($target -ge 50000) { 'met warm only' } else { 'NOT met' }),
    $firstMedian.First, $(if ($firstMedian.First -lt 150) { 'met' } else { 'NOT met' }))
