<#
.SYNOPSIS
    What Watch-SmartCard reports while tests/wine/Wine.Tests.ps1 moves cards and stops and starts pcscd, as one JSON
    file, on Linux and in PowerShell on Windows (under Wine) alike. After each event it writes the count so far to
    ProgressPath, so the test takes its next step only once the watch has seen the last one.
#>
param(
    # A JSON file: ModuleDir, OutPath, ProgressPath, Count (the events to wait for).
    [Parameter(Mandatory)][string] $ParameterPath
)
$ErrorActionPreference = 'Stop'
$parameters = Get-Content -LiteralPath $ParameterPath -Raw | ConvertFrom-Json
Import-Module (Join-Path $parameters.ModuleDir 'SmartCardPS.psd1')
$count = 0
# -Timeout is a hang guard for a test that went wrong, never reached when it goes right.
$events = @(Watch-SmartCard -IncludeCurrentState -Timeout 120 -WarningVariable warnings | ForEach-Object {
        $count++
        [IO.File]::WriteAllText($parameters.ProgressPath, "$count")
        $_
    } | Select-Object -First $parameters.Count)
$answers = [ordered]@{
    Events   = @($events | ForEach-Object { "$($_.EventType) $($_.Reader) $($_.Atr)".TrimEnd() })
    Warnings = @($warnings | ForEach-Object { "$_" })
}
[IO.File]::WriteAllText($parameters.OutPath, ($answers | ConvertTo-Json -Depth 4))
