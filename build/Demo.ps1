<#
.SYNOPSIS
    The demo: a private pcscd with two virtual readers, virtual cards in them, and what the cmdlets say.
.DESCRIPTION
    Runs inside the private mount namespace that build.ps1 -Task Demo makes (tests/tools/ns-run.sh), so it
    never touches the machine's pcscd. Each part of the demo is a script under build/demo/, run in name
    order with $Pcsc (the fixture) in scope. The fixture is torn down in 'finally', so Ctrl+C cleans up too.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string] $ModuleDir,
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
# Colour only for a terminal: a log or a pipe (and anyone who sets NO_COLOR) gets plain text, formatting included.
if ([Console]::IsOutputRedirected -or $env:NO_COLOR) { $PSStyle.OutputRendering = 'PlainText' }

Import-Module (Join-Path $ModuleDir 'SmartCardPS.psd1') -Force
Add-Type -Path (Join-Path $PSScriptRoot "../tests/SmartCardPS.TestFixture/bin/$Configuration/netstandard2.0/SmartCardPS.TestFixture.dll")

function Write-DemoHeading([string] $Text, [string] $Command) {
    Write-Host ''
    Write-Host "### $Text" -ForegroundColor Yellow
    if ($Command) { Write-Host "PS> $Command" -ForegroundColor Green }
}

# pcscd polls vpcd, so a card shows a moment after it goes in.
function Wait-DemoCards([int] $Count = 2) {
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while (@(Get-SmartCardReader | Where-Object CardPresent).Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
}

$Pcsc = $null
try {
    Write-DemoHeading 'Starting a private pcscd with two vpcd virtual readers'
    $Pcsc = [SmartCardPS.TestFixture.PcscFixture]::Start(2)
    Write-Host "pcscd is up with readers: $($Pcsc.ReaderNames -join ', ')"

    Write-DemoHeading 'Inserting an Italian CNS card (T=1) and a MIFARE Classic 1K (contactless) card'
    $Pcsc.Insert(0, '3B DF 18 00 81 31 FE 7D 00 6B 02 0C 01 82 01 11 01 43 4E 53 10 31 80 FC') | Out-Null
    $Pcsc.Insert(1, '3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A') | Out-Null
    Wait-DemoCards

    foreach ($part in Get-ChildItem (Join-Path $PSScriptRoot 'demo') -Filter '*.ps1' | Sort-Object Name) {
        . $part.FullName
    }
    Write-Host ''
    Write-Host 'On a machine with real readers: Import-Module ./out/SmartCardPS; Get-SmartCardReader' -ForegroundColor Cyan
}
finally {
    if ($Pcsc) {
        Write-DemoHeading 'Stopping the virtual cards and pcscd'
        $Pcsc.Dispose()
    }
}
