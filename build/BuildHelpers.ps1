# Helpers for build.ps1: native calls that fail loudly, the test prerequisites, and result counting.

# The Debian packages the tests and the demo run against: a real PC/SC stack with virtual readers,
# the peer tools they are cross-checked with, and the PKCS#11 modules.
$script:TestPackages = @(
    'pcscd', 'vsmartcard-vpcd', 'pcsc-tools', 'opensc', 'opensc-pkcs11', 'softhsm2', 'p11-kit',
    'gnutls-bin', 'python3-pyscard', 'pkg-config', 'util-linux', 'zlib1g',
    'libccid', 'umockdev', 'openssh-server', 'udev'
)

function Write-Step([string] $Text) {
    Write-Host "==> $Text" -ForegroundColor Cyan
}

# Plain $args (no param block), so native flags such as -c or -o are never taken for PowerShell parameters.
function Invoke-Native {
    $filePath, $arguments = $args
    & $filePath @arguments
    if ($LASTEXITCODE) { throw "'$filePath $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion([string] $PropsPath) {
    $version = ([xml](Get-Content $PropsPath -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) { throw "No <Version> in $PropsPath." }
    return $version
}

function Install-TestPrerequisites {
    $isDebian = $IsLinux -and (Test-Path /usr/bin/dpkg-query) -and (Test-Path /usr/bin/apt-get)
    if (-not $isDebian) {
        throw "The tests and the demo run a private pcscd with virtual readers and need Linux (Debian/Ubuntu) with these packages: $($script:TestPackages -join ' '). Install them with your package manager, or run on Debian/Ubuntu."
    }
    $missing = @($script:TestPackages | Where-Object {
            $status = & dpkg-query -W -f '${Status}' $_ 2>$null
            $LASTEXITCODE -ne 0 -or $status -notmatch 'install ok installed'
        })
    if ($missing.Count -eq 0) { return }
    if ((& id -u) -ne '0') {
        throw "Missing packages: $($missing -join ' '). Install them with: sudo apt-get install -y $($missing -join ' ')"
    }
    Write-Step "Installing $($missing -join ' ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    Invoke-Native apt-get update -q
    Invoke-Native apt-get install -y -q --no-install-recommends @missing
}

function Read-TrxCounts([string] $Path) {
    if (-not (Test-Path $Path)) { throw "xunit wrote no results to ${Path}: the test run did not start." }
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $results = Select-Xml -Path $Path -XPath '//t:UnitTestResult' -Namespace $ns | ForEach-Object { $_.Node.outcome }
    [pscustomobject]@{
        Passed  = @($results | Where-Object { $_ -eq 'Passed' }).Count
        Failed  = @($results | Where-Object { $_ -notin 'Passed', 'NotExecuted' }).Count
        Skipped = @($results | Where-Object { $_ -eq 'NotExecuted' }).Count
    }
}

function Read-PesterCounts([string] $Path) {
    if (-not (Test-Path $Path)) { throw "Pester wrote no results to ${Path}: the test run did not start." }
    $r = Get-Content $Path -Raw | ConvertFrom-Json
    # A container that failed to run (a broken BeforeAll, a syntax error) counts as a failure too.
    [pscustomobject]@{ Passed = [int]$r.Passed; Failed = [int]$r.Failed + [int]$r.FailedContainers; Skipped = [int]$r.Skipped }
}
