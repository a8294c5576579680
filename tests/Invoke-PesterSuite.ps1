<#
.SYNOPSIS
    Runs the Pester suite against the built module folder and writes the counts as JSON for build.ps1.
    -Path and -FullNameFilter run part of it (build.ps1 -Task Mutants runs the tests each mutant names); -ExcludePath
    leaves files out (build.ps1 runs some in a second lane). Through pwsh -File a list arrives as one string: commas
    separate its paths.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleDir,
    [Parameter(Mandatory)][string] $ResultPath,
    [string[]] $Path = @(Join-Path $PSScriptRoot 'pester'),
    [string[]] $FullNameFilter,
    [string[]] $ExcludePath
)
$ErrorActionPreference = 'Stop'

$pesterVersion = ([xml](Get-Content (Join-Path $PSScriptRoot 'tools/Pester.Download.csproj') -Raw)).Project.PropertyGroup.PesterVersion
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget/packages' }
Import-Module (Join-Path $packages "pester/$pesterVersion/tools/Pester.psd1") -Force

# The tests import the built module from here, never the sources.
$env:SMARTCARDPS_MODULE_DIR = (Resolve-Path $ModuleDir).Path

$config = New-PesterConfiguration
$config.Run.Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
if ($ExcludePath) { $config.Run.ExcludePath = @($ExcludePath | ForEach-Object { $_ -split ',' } | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).Path }) }
if ($FullNameFilter) { $config.Filter.FullName = $FullNameFilter }
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config

# Enough for build.ps1 to trust the counts: what was discovered, what never ran, and why each skip happened.
[pscustomobject]@{
    Passed               = $result.PassedCount
    Failed               = $result.FailedCount
    # An inconclusive test asserted nothing: it counts as a skip (a failure under CI), never as nothing at all.
    Skipped              = $result.SkippedCount + $result.InconclusiveCount
    Total                = $result.TotalCount
    NotRun               = $result.NotRunCount
    NotRunNames          = @($result.NotRun | ForEach-Object { $_.ExpandedPath })
    FailedContainers     = $result.FailedContainersCount + $result.FailedBlocksCount
    FailedContainerNames = @(@($result.FailedContainers | ForEach-Object { "$($_.Item)" }) + @($result.FailedBlocks | ForEach-Object { $_.ExpandedPath }))
    # Where the suite's time goes: each file's duration, for build.ps1 to list the slowest.
    Files                = @($result.Containers | ForEach-Object { [pscustomobject]@{ Name = Split-Path "$($_.Item)" -Leaf; Seconds = [math]::Round($_.Duration.TotalSeconds, 1) } })
    FailedTests          = @($result.Failed | ForEach-Object {
            [pscustomobject]@{ Name = $_.ExpandedPath; Message = @($_.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join '; ' }
        })
    SkippedTests         = @(@($result.Skipped | ForEach-Object {
                [pscustomobject]@{ Name = $_.ExpandedPath; Reason = @($_.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join '; ' }
            }) + @($result.Inconclusive | ForEach-Object {
                [pscustomobject]@{ Name = $_.ExpandedPath; Reason = 'inconclusive: ' + (@($_.ErrorRecord | ForEach-Object { $_.Exception.Message }) -join '; ') }
            }))
} | ConvertTo-Json -Depth 4 | Set-Content -Path $ResultPath
