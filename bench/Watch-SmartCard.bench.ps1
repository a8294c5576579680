#Requires -Version 7.0
<#
.SYNOPSIS
    Benchmarks Watch-SmartCard against pcsc_scan on the same private pcscd.
.DESCRIPTION
    Three numbers, each against its target:
    - insertion latency: from putting a virtual card in a reader to the event object, next to pcsc_scan's
      "Card inserted" line for the same card, watching the same pcscd at the same time (target: ratio <= 1).
      Both include pcscd's 400 ms poll of the vpcd driver; the difference is what each client adds.
    - idle CPU: processor time a 10-second watch uses with nothing happening, measured on the watch's own
      threads and in a separate pwsh process that does nothing else (target < 0.05 s).
    - cancellation: from stopping the pipeline to the watch having ended (target < 200 ms).
    Needs root and the packages build.ps1 -Task Test installs; builds the module and fixture if missing, and
    re-runs itself inside tests/tools/ns-run.sh so the private pcscd never touches the machine's.
#>
[CmdletBinding()]
param(
    [int] $Insertions = 10,
    [int] $Cancellations = 20,
    [int] $IdleSeconds = 10,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = Resolve-Path (Join-Path $PSScriptRoot '..')

if ($env:SMARTCARDPS_PCSC_NAMESPACE -ne '1') {
    . (Join-Path $PSScriptRoot 'BenchNamespace.ps1')
    exit (Invoke-InPcscNamespace $PSCommandPath $PSBoundParameters $ModuleDir)
}

$manifest = Join-Path (Resolve-Path $ModuleDir) 'SmartCardPS.psd1'
Import-Module $manifest
Add-Type -Path (Get-ChildItem (Join-Path $root 'tests/SmartCardPS.TestFixture/bin/Release') -Recurse -Filter 'SmartCardPS.TestFixture.dll' | Select-Object -First 1).FullName
$atrs = '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A', '3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4', '3B 02 14 50'
# Stamps lines and event objects on the threads that see them first (a PowerShell script block cannot run there).
Add-Type -TypeDefinition @'
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;

public sealed class BenchStamps
{
    public static readonly Stopwatch Clock = Stopwatch.StartNew();
    public readonly ConcurrentQueue<double> Events = new ConcurrentQueue<double>();
    public readonly ConcurrentQueue<System.Tuple<double, string>> Lines = new ConcurrentQueue<System.Tuple<double, string>>();

    public static double Now { get { return Clock.Elapsed.TotalMilliseconds; } }

    public void Follow(Process process)
    {
        var t = new Thread(() =>
        {
            string line;
            while ((line = process.StandardOutput.ReadLine()) != null) Lines.Enqueue(System.Tuple.Create(Now, line));
        });
        t.IsBackground = true;
        t.Start();
    }

    public void Watch(PSDataCollection<PSObject> output)
    {
        output.DataAdded += (s, e) => Events.Enqueue(Now);
    }

    public static int[] Threads()
    {
        var ids = new System.Collections.Generic.List<int>();
        foreach (string dir in System.IO.Directory.GetDirectories("/proc/self/task")) ids.Add(int.Parse(System.IO.Path.GetFileName(dir)));
        return ids.ToArray();
    }

    /// <summary>CPU time of these threads in seconds, to the nanosecond (schedstat's first field); exited ones count 0.</summary>
    public static double CpuSeconds(int[] threads)
    {
        long ns = 0;
        foreach (int id in threads)
        {
            try { ns += long.Parse(System.IO.File.ReadAllText("/proc/self/task/" + id + "/schedstat").Split(' ')[0]); }
            catch (System.IO.IOException) { }
        }
        return ns / 1e9;
    }

    public double[] LinesMatching(string text)
    {
        var result = new System.Collections.Generic.List<double>();
        foreach (var l in Lines) if (l.Item2.Contains(text)) result.Add(l.Item1);
        return result.ToArray();
    }
}
'@
$stamps = [BenchStamps]::new()

. (Join-Path $root 'tests/pester/Support/WatchRunspace.ps1')
function Start-BenchWatch([hashtable] $Parameters = @{}) { Start-WatchRunspace -Manifest $manifest -Parameters $Parameters }

function Wait-Until([scriptblock] $Condition, [int] $TimeoutMs = 10000) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    while (-not (& $Condition)) {
        if ($sw.ElapsedMilliseconds -gt $TimeoutMs) { throw "Timed out after $TimeoutMs ms waiting for $Condition" }
        Start-Sleep -Milliseconds 1
    }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { $sorted[[int][math]::Floor($sorted.Count / 2)] } else { ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2 }
}

$pcsc = [SmartCardPS.TestFixture.PcscFixture]::Start(2)
$scan = $null
try {
    # pcsc_scan, line-buffered, each line stamped on arrival by the same clock as the event objects.
    $psi = [Diagnostics.ProcessStartInfo]::new('stdbuf', '-oL pcsc_scan -n')
    $psi.RedirectStandardOutput = $true
    $psi.UseShellExecute = $false
    $scan = [Diagnostics.Process]::Start($psi)
    $stamps.Follow($scan)
    Wait-Until { $stamps.LinesMatching('Card state').Count -ge 2 }

    $watch = Start-BenchWatch @{ EventType = 'CardInserted' }
    $stamps.Watch($watch.Output)

    # Insertion 0 warms up (JIT of the event path) and is not counted.
    $rows = foreach ($i in 0..$Insertions) {
        $reader = $i % 2
        $scanBefore = $stamps.LinesMatching('Card inserted').Count
        $eventsBefore = $stamps.Events.Count
        $t0 = [BenchStamps]::Now
        $null = $pcsc.Insert($reader, $atrs[$i % $atrs.Count])
        Wait-Until { $stamps.Events.Count -gt $eventsBefore -and $stamps.LinesMatching('Card inserted').Count -gt $scanBefore }
        $scanAt = $stamps.LinesMatching('Card inserted')[$scanBefore]
        $eventAt = $stamps.Events.ToArray()[$eventsBefore]
        $removedBefore = $stamps.LinesMatching('Card removed').Count
        $pcsc.Remove($reader)
        Wait-Until { $stamps.LinesMatching('Card removed').Count -gt $removedBefore }
        if ($i -eq 0) { continue }
        [pscustomobject]@{ Insertion = $i; PcscScanMs = [math]::Round($scanAt - $t0, 1); WatchSmartCardMs = [math]::Round($eventAt - $t0, 1); DifferenceMs = [math]::Round($eventAt - $scanAt, 1) }
    }
    $watch.PowerShell.Stop()
    $watch.PowerShell.Dispose()
    $rows | Format-Table -AutoSize | Out-Host

    # Idle: nothing inserted, nothing removed. The watch runs on threads of its own runspace, so their CPU time
    # is the watch's; the whole process (pwsh's own JIT and GC work included) and pcsc_scan are shown beside it.
    $before = [BenchStamps]::Threads()
    $idle = Start-BenchWatch @{ Timeout = $IdleSeconds + 5 }
    $watchThreads = @([BenchStamps]::Threads() | Where-Object { $_ -notin $before })
    $self = [Diagnostics.Process]::GetCurrentProcess()
    $scan.Refresh(); $self.Refresh()
    $scanCpuBefore = $scan.TotalProcessorTime
    $processCpuBefore = $self.TotalProcessorTime
    $watchCpuBefore = [BenchStamps]::CpuSeconds($watchThreads)
    Start-Sleep -Seconds $IdleSeconds
    $idleCpu = [BenchStamps]::CpuSeconds($watchThreads) - $watchCpuBefore
    $scan.Refresh(); $self.Refresh()
    $processCpu = ($self.TotalProcessorTime - $processCpuBefore).TotalSeconds
    $scanIdleCpu = ($scan.TotalProcessorTime - $scanCpuBefore).TotalSeconds
    $idle.PowerShell.Stop()
    $idle.PowerShell.Dispose()

    # The same in a process of its own that does nothing but watch, measured after its start-up has settled.
    $settle = 5
    # 'dotnet pwsh' would start pwsh as a child of the dotnet host; 'dotnet <pwsh.dll>' runs it in the process we measure.
    $alone = Start-Process dotnet -PassThru -ArgumentList @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command',
        "Import-Module '$manifest'; Watch-SmartCard -Timeout $($settle + $IdleSeconds + 5) | Out-Null")
    Start-Sleep -Seconds $settle
    $alone.Refresh()
    $aloneBefore = $alone.TotalProcessorTime
    Start-Sleep -Seconds $IdleSeconds
    $alone.Refresh()
    $aloneCpu = ($alone.TotalProcessorTime - $aloneBefore).TotalSeconds
    $alone.Kill()
    $alone.WaitForExit()

    $stops = foreach ($i in 1..$Cancellations) {
        $w = Start-BenchWatch
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $w.PowerShell.Stop()
        $sw.Elapsed.TotalMilliseconds
        $w.PowerShell.Dispose()
    }

    $scanMedian = Get-Median $rows.PcscScanMs
    $watchMedian = Get-Median $rows.WatchSmartCardMs
    # Mean over mean: the poll phase makes single latencies range 0-400 ms, the same for both tools.
    $ratio = ($rows.WatchSmartCardMs | Measure-Object -Average).Average / ($rows.PcscScanMs | Measure-Object -Average).Average
    $cancelMedian = Get-Median $stops
    $cancelMax = ($stops | Measure-Object -Maximum).Maximum
    $results = @(
        [pscustomobject]@{ Measure = "Insertion to output, median of $Insertions (pcsc_scan / Watch-SmartCard)"; Value = '{0:N1} ms / {1:N1} ms' -f $scanMedian, $watchMedian; Target = ''; Met = '' }
        [pscustomobject]@{ Measure = 'Latency ratio Watch-SmartCard : pcsc_scan (means)'; Value = '{0:N3}' -f $ratio; Target = '<= 1'; Met = $ratio -le 1 }
        [pscustomobject]@{ Measure = 'Watch-SmartCard later than pcsc_scan, median / mean'; Value = '{0:N1} ms / {1:N1} ms' -f (Get-Median $rows.DifferenceMs), ($rows.DifferenceMs | Measure-Object -Average).Average; Target = '(both stamped on arrival, about 1 ms apart)'; Met = '' }
        [pscustomobject]@{ Measure = "CPU of an idle $IdleSeconds s watch ($($watchThreads.Count) threads)"; Value = '{0:N4} s' -f $idleCpu; Target = '< 0.05 s'; Met = $idleCpu -lt 0.05 }
        [pscustomobject]@{ Measure = 'CPU of the same threads starting the watch (runspace, module, context)'; Value = '{0:N3} s' -f $watchCpuBefore; Target = ''; Met = '' }
        [pscustomobject]@{ Measure = "CPU of a pwsh process that only watches, $IdleSeconds s idle"; Value = '{0:N3} s' -f $aloneCpu; Target = '< 0.05 s'; Met = $aloneCpu -lt 0.05 }
        [pscustomobject]@{ Measure = "CPU of this bench process, same $IdleSeconds s as the runspace watch"; Value = '{0:N3} s' -f $processCpu; Target = ''; Met = '' }
        [pscustomobject]@{ Measure = "CPU of pcsc_scan, same $IdleSeconds s"; Value = '{0:N3} s' -f $scanIdleCpu; Target = ''; Met = '' }
        [pscustomobject]@{ Measure = "Cancellation, median / max of $Cancellations"; Value = '{0:N1} ms / {1:N1} ms' -f $cancelMedian, $cancelMax; Target = '< 200 ms'; Met = $cancelMax -lt 200 }
    )
    $results | Format-Table Measure, Value, Target, Met | Out-String -Width 160 | Out-Host
}
finally {
    if ($scan -and -not $scan.HasExited) { $scan.Kill(); $scan.WaitForExit() }
    $pcsc.Dispose()
}
