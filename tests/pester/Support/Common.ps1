# Dot-sourced by every Pester file: imports the built module and offers the shared PC/SC fixture.

$script:ModuleDir = $env:SMARTCARDPS_MODULE_DIR
if (-not $script:ModuleDir) { $script:ModuleDir = Join-Path $PSScriptRoot '../../../out/SmartCardPS' }
Import-Module (Join-Path $script:ModuleDir 'SmartCardPS.psd1') -Force

$fixtureDll = Get-ChildItem (Join-Path $PSScriptRoot '../../SmartCardPS.TestFixture/bin') -Recurse -Filter 'SmartCardPS.TestFixture.dll' |
    Sort-Object LastWriteTime -Descending | Select-Object -First 1
if ($fixtureDll -and -not ('SmartCardPS.TestFixture.PcscFixture' -as [type])) { Add-Type -Path $fixtureDll.FullName }

# Runs a command with SIGINT at its default action. A suite started in the background by a shell without job control
# (or under nohup) inherits SIGINT ignored, and a shell cannot trap a signal ignored when it started: the Ctrl+C
# tests restore the default first, as a terminal's Ctrl+C would find it.
function Invoke-WithDefaultSigint {
    & /usr/bin/python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])' @args
}

# Starts the private pcscd; where it cannot run, skip (or, with CI=true, fail) the tests that need it.
# $FriendlyName names its readers (a hostile name for the tests of messages) instead of the fixture's CCID reader.
function Start-TestPcsc([int] $ReaderCount = 2, [string] $FriendlyName) {
    if (-not ('SmartCardPS.TestFixture.PcscFixture' -as [type])) { throw 'The test fixture is not built: run build.ps1 -Task Test.' }
    $why = [SmartCardPS.TestFixture.PcscFixture]::Unavailable()
    if ($why) {
        if ([SmartCardPS.TestFixture.PcscFixture]::IsCi) { throw "The PC/SC fixture cannot start under CI: $why" }
        return $null
    }
    if ($FriendlyName) { [SmartCardPS.TestFixture.PcscFixture]::Start($ReaderCount, $FriendlyName) }
    else { [SmartCardPS.TestFixture.PcscFixture]::Start($ReaderCount) }
}

# Waits until the reader reports the expected card state (vpcd is polled by pcscd).
function Wait-TestReader([string] $Name, [bool] $CardPresent, [int] $TimeoutMs = 10000) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    while ($sw.ElapsedMilliseconds -lt $TimeoutMs) {
        $r = Get-SmartCardReader -Name $Name -ErrorAction SilentlyContinue
        if ($r -and $r.CardPresent -eq $CardPresent) { return $r }
        Start-Sleep -Milliseconds 20
    }
    throw "Reader '$Name' did not reach CardPresent=$CardPresent within $TimeoutMs ms."
}

# For -Skip at discovery: true when the fixture can run, or under CI (where it must, so it fails instead).
function Test-PcscFixtureRequired {
    if (-not ('SmartCardPS.TestFixture.PcscFixture' -as [type])) { return $true }
    [SmartCardPS.TestFixture.PcscFixture]::IsCi -or -not [SmartCardPS.TestFixture.PcscFixture]::Unavailable()
}

# The one way a Pester test gives up for something missing from the machine (call it first in the It): skipped with
# $What as the reason, except under CI (any truthy CI value), where the test fails and names what is missing.
function Assert-TestDependency([bool] $Present, [string] $What) {
    if ($Present) { return }
    if ([SmartCardPS.TestFixture.PcscFixture]::IsCi) { throw "Missing under CI (where nothing may be skipped): $What." }
    Set-ItResult -Skipped -Because "$What is missing"
}

# What -WhatIf prints for $Command: PowerShell writes it to the host alone (no stream redirection reaches it), so it is
# read back from a transcript. Returns the text from 'What if:' up to the transcript's end, a raw newline and all.
function Get-WhatIfText([scriptblock] $Command, [string] $Directory = [IO.Path]::GetTempPath()) {
    $log = Join-Path $Directory "whatif-$([guid]::NewGuid().ToString('N')).txt"
    Start-Transcript -Path $log -UseMinimalHeader | Out-Null
    try { & $Command | Out-Null } finally { Stop-Transcript | Out-Null }
    try { $text = [IO.File]::ReadAllText($log) } finally { Remove-Item $log -Force }
    $start = $text.IndexOf('What if: ')
    if ($start -lt 0) { throw "The command printed no 'What if:' line; the transcript holds:`n$text" }
    $text.Substring($start, $text.IndexOf("`n**********************", $start) - $start).TrimEnd("`r")
}

# Text that shows untrusted text (a path, a name, file content) with every control, bidi or invisible character escaped.
function Assert-EscapedText([string] $Text, [string[]] $Escaped) {
    $Text | Should -Not -Match '[\p{Cc}\p{Cf}\u2028\u2029]' -Because "untrusted text must not reach the terminal raw: $($Text -replace '[\p{Cc}\p{Cf}\u2028\u2029]', '?')"
    foreach ($e in $Escaped) { $Text.Contains($e) | Should -BeTrue -Because "'$Text' should show '$e'" }
}
