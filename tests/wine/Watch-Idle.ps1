<#
.SYNOPSIS
    Watches for three seconds while nothing happens, in PowerShell on Windows under Wine: Wine.Tests.ps1 counts the
    SCardGetStatusChange calls the test winscard.dll saw meanwhile (a watch that spins makes thousands).
#>
param([Parameter(Mandatory)][string] $ModuleDir)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $ModuleDir 'SmartCardPS.psd1')
Watch-SmartCard -Timeout 3 -InformationAction Ignore 6>$null | Out-Null
'done'
