<#
.SYNOPSIS
    Runs the Pester suite against the built module folder and writes the counts as JSON for build.ps1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleDir,
    [Parameter(Mandatory)][string] $ResultPath
)
$ErrorActionPreference = 'Stop'

$pesterVersion = ([xml](Get-Content (Join-Path $PSScriptRoot 'tools/Pester.Download.csproj') -Raw)).Project.PropertyGroup.PesterVersion
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
Import-Module (Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1") -Force

# The tests import the built module from here, never the sources.
$env:SMARTCARDPS_MODULE_DIR = (Resolve-Path $ModuleDir).Path

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'pester'
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

[pscustomobject]@{
    Passed           = $result.PassedCount
    Failed           = $result.FailedCount
    Skipped          = $result.SkippedCount
    FailedContainers = $result.FailedContainersCount
} | ConvertTo-Json | Set-Content -Path $ResultPath
