# Dot-sourced by the Watch-SmartCard tests and bench/Watch-SmartCard.bench.ps1: a watch running beside the caller.

# Runs Watch-SmartCard in its own runspace, as a second prompt would, and returns once it watches (its first
# verbose record), so whatever the caller does next is a change it must report. Stop it with .PowerShell.Stop().
function Start-WatchRunspace([string] $Manifest, [hashtable] $Parameters = @{}) {
    $iss = [initialsessionstate]::CreateDefault2()
    $iss.ImportPSModule($Manifest)
    $ps = [powershell]::Create($iss)
    $null = $ps.AddCommand('Watch-SmartCard').AddParameters($Parameters).AddParameter('Verbose', $true)
    $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
    # An open input collection would keep the pipeline waiting for input before the watch ever starts.
    $noInput = [System.Management.Automation.PSDataCollection[psobject]]::new()
    $noInput.Complete()
    $handle = $ps.BeginInvoke($noInput, $output)
    $sw = [Diagnostics.Stopwatch]::StartNew()
    while ($ps.Streams.Verbose.Count -eq 0) {
        if ($handle.IsCompleted) { throw "Watch-SmartCard ended before it watched: $($ps.Streams.Error)" }
        if ($sw.Elapsed.TotalSeconds -gt 10) { throw 'Watch-SmartCard did not start watching within 10 s.' }
        Start-Sleep -Milliseconds 2
    }
    [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $handle }
}
