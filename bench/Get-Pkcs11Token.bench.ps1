<#
.SYNOPSIS
    Get-Pkcs11Token against p11tool --list-tokens and pkcs11-tool -L, with 50 SoftHSM tokens.
.DESCRIPTION
    Makes a private SoftHSM with -TokenCount tokens, registers it in a private p11-kit registry (so it needs
    the private mount namespace: run it as tests/tools/ns-run.sh dotnet pwsh -File bench/Get-Pkcs11Token.bench.ps1
    after build.ps1 -Task Test has built the module and the test fixture), then times, in the same run and in
    rounds that alternate the tools: Get-Pkcs11Token in this warm PowerShell session, p11tool --list-tokens
    (a process per call, loading every registered module through p11-kit, as a user would run it) and
    pkcs11-tool -L for the SoftHSM module. Prints the median of each and the ratios.

    p11tool (GnuTLS 3.7) asks a module for at most 48 slots and silently skips a module with more, so with
    50 tokens (51 SoftHSM slots: one spare) it lists nothing and its time is that of listing nothing. The
    default runs 50 tokens, as the issue asks, and then 47 (48 slots), the most p11tool still lists, for a
    like-for-like comparison.
#>
[CmdletBinding()]
param(
    [int[]] $TokenCount = @(50, 47),
    [int] $Rounds = 15,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'SoftHsmBench.ps1') -ModuleDir $ModuleDir

function Invoke-Bench([int] $Count) {
    Write-Host "Creating $Count SoftHSM tokens..."
    $hsm = [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]](1..$Count | ForEach-Object { 'Bench token {0:D2}' -f $_ }))
    try {
        Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
        $hsm.Register('softhsm2') | Out-Null
        $library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath

        # The same answer from all three before timing anything (p11tool: as far as it can list).
        $ours = @(Get-Pkcs11Token | Where-Object { $_.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11TokenFlags]::TokenInitialized) })
        if ($ours.Count -ne $Count) { throw "Get-Pkcs11Token listed $($ours.Count) tokens, expected $Count." }
        $theirs = @(& p11tool --list-tokens 2>$null | Select-String '^\tURL: (.*)$' | ForEach-Object { $_.Matches[0].Groups[1].Value })
        if ($theirs.Count -eq 0) {
            Write-Warning "p11tool lists no tokens: GnuTLS skips a module with more than 48 slots and SoftHSM has $($Count + 1). Its time below is for listing nothing."
        }
        elseif (Compare-Object $ours.Uri $theirs) { throw 'Get-Pkcs11Token and p11tool list different tokens.' }
        $labels = @(& pkcs11-tool --module $library -L 2>$null | Select-String 'token label\s+: ')
        if ($labels.Count -ne $Count) { throw "pkcs11-tool -L listed $($labels.Count) tokens, expected $Count." }

        # Warm-up: JIT for the cmdlet, page cache for the tools.
        1..3 | ForEach-Object { $null = Get-Pkcs11Token; $null = & p11tool --list-tokens; $null = & pkcs11-tool --module $library -L 2>$null }

        $median = Measure-Rounds ([ordered]@{
                'Get-Pkcs11Token'       = { Get-Pkcs11Token }
                'p11tool --list-tokens' = { & p11tool --list-tokens }
                'pkcs11-tool -L'        = { & pkcs11-tool --module $library -L 2>$null }
            }) $Rounds
        Write-BenchResult "$Count SoftHSM tokens, median of $Rounds rounds (ms):" $median
        $met = if ($median['Get-Pkcs11Token'] -lt $median['p11tool --list-tokens']) { 'met' } else { 'NOT met' }
        Write-Host "  Target (faster than p11tool): $met$(if (-not $theirs) { ' (p11tool listed nothing)' })"
        Write-Host ''
    }
    finally {
        $hsm.Dispose()
        Get-ChildItem '/usr/share/p11-kit/modules' -Force -ErrorAction SilentlyContinue | Remove-Item -Force
    }
}

foreach ($count in $TokenCount) { Invoke-Bench $count }
