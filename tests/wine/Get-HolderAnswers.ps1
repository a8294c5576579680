<#
.SYNOPSIS
    What PowerShell on Windows (under Wine) says while another Windows process holds a card exclusively
    (tests/wine/Hold-Card.ps1): the sharing violation Connect-SmartCard reports, and the PC/SC clients
    Get-SmartCardClient lists (the processes with winscard.dll loaded), as one JSON file.
#>
param(
    # A JSON file: ModuleDir, Reader, OutPath.
    [Parameter(Mandatory)][string] $ParameterPath
)
$ErrorActionPreference = 'Stop'
$parameters = Get-Content -LiteralPath $ParameterPath -Raw | ConvertFrom-Json
Import-Module (Join-Path $parameters.ModuleDir 'SmartCardPS.psd1')
# Caught in a script block of its own: the host fails a script whose own pipeline saw an error, caught or silenced.
$refused = & {
    try { Connect-SmartCard -Reader $parameters.Reader | Disconnect-SmartCard }
    catch { [ordered]@{ Id = $_.FullyQualifiedErrorId; Category = "$($_.CategoryInfo.Category)"; Message = $_.Exception.Message } }
}
$answers = [ordered]@{
    ProcessId = $PID
    Refused   = @($refused)
    Clients   = @(Get-SmartCardClient | ForEach-Object {
            [ordered]@{ ProcessId = $_.ProcessId; ProcessName = $_.ProcessName; IsCurrentProcess = $_.IsCurrentProcess; Connections = $_.Connections }
        })
    Table     = (Get-SmartCardClient | Format-Table | Out-String -Width 80)
}
[IO.File]::WriteAllText($parameters.OutPath, ($answers | ConvertTo-Json -Depth 4))
