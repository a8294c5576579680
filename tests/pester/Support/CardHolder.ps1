# Dot-sourced by the tests that need another program holding a card: a real pyscard client (data/hold-card.py),
# run as itself or under another name (a copy named scdaemon is a real process called scdaemon).

# The fixture's pcscd with a T=0 card in its first reader; $null where the fixture cannot run.
function Start-HeldCardFixture {
    $pcsc = Start-TestPcsc
    if ($pcsc) {
        $null = $pcsc.Insert(0, '3B 02 14 50')
        $null = Wait-TestReader $pcsc.ReaderNames[0] $true
    }
    $pcsc
}

function Test-Pyscard { (Test-Path /usr/bin/python3) -and ((& /usr/bin/python3 -c 'import smartcard; print(1)' 2>$null) -eq '1') }

# Starts the holder and returns its Process once it is connected; -As names a copy of the script to run instead
# (in a scratch directory under the temp directory, removed by Stop-CardHolder); -Uid runs it as that user (setpriv).
function Start-CardHolder([string] $Reader, [switch] $Exclusive, [string] $As, [int] $Uid = -1) {
    $script = Join-Path $PSScriptRoot 'data/hold-card.py'
    $scratch = $null
    # Another user may not read the checkout (CI clones into a mode-0700 directory): -Uid runs a copy too.
    if ($As -or $Uid -ge 0) {
        $scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-holder-$([guid]::NewGuid().ToString('N'))"
        New-Item -ItemType Directory -Path $scratch | Out-Null
        chmod 0755 $scratch
        $copy = Join-Path $scratch $(if ($As) { $As } else { 'hold-card.py' })
        Copy-Item $script $copy
        chmod 0755 $copy
        $script = $copy
    }
    $psi = [Diagnostics.ProcessStartInfo]::new($script)
    if (-not $As) { $psi = [Diagnostics.ProcessStartInfo]::new('/usr/bin/python3'); $psi.ArgumentList.Add($script) }
    if ($Uid -ge 0) {
        $run = $psi
        $psi = [Diagnostics.ProcessStartInfo]::new('setpriv')
        foreach ($a in @("--reuid=$Uid", "--regid=$Uid", '--clear-groups', $run.FileName) + @($run.ArgumentList)) { $psi.ArgumentList.Add($a) }
    }
    $psi.ArgumentList.Add($Reader)
    $psi.ArgumentList.Add($(if ($Exclusive) { 'exclusive' } else { 'shared' }))
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLine()
    if ($line -ne 'ready') { throw "The card holder did not connect: $line $($process.StandardError.ReadToEnd())" }
    $process | Add-Member -NotePropertyName Scratch -NotePropertyValue $scratch -PassThru
}

# Closes its stdin (it disconnects and ends) and removes its scratch copy.
function Stop-CardHolder($Process) {
    if (-not $Process) { return }
    $Process.StandardInput.Close()
    if (-not $Process.WaitForExit(5000)) { $Process.Kill() }
    $scratch = $Process.Scratch
    if ($scratch -and $scratch.StartsWith([IO.Path]::GetTempPath()) -and (Split-Path -Leaf $scratch) -like 'smartcardps-holder-*') {
        Remove-Item -LiteralPath $scratch -Recurse -Force
    }
}
