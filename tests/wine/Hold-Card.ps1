<#
.SYNOPSIS
    Holds a card exclusively in PowerShell on Windows (under Wine), as another program would, until told to let go:
    tests/wine/Wine.Tests.ps1 then asks a second Windows PowerShell who holds the card.
#>
param(
    # A JSON file: ModuleDir, Reader, HoldingPath (written with this process's id once the card is held), ReleasePath
    # (the test creates it to end the hold). One file, as the Windows host passes arguments as single strings.
    [Parameter(Mandatory)][string] $ParameterPath
)
$ErrorActionPreference = 'Stop'
$parameters = Get-Content -LiteralPath $ParameterPath -Raw | ConvertFrom-Json
Import-Module (Join-Path $parameters.ModuleDir 'SmartCardPS.psd1')
$card = Connect-SmartCard -Reader $parameters.Reader -ShareMode Exclusive
try {
    [IO.File]::WriteAllText($parameters.HoldingPath, "$PID")
    # A hang guard, not a timing: the test releases the card long before.
    $sw = [Diagnostics.Stopwatch]::StartNew()
    while (-not (Test-Path -LiteralPath $parameters.ReleasePath) -and $sw.Elapsed.TotalSeconds -lt 120) { Start-Sleep -Milliseconds 50 }
}
finally { Disconnect-SmartCard $card }
