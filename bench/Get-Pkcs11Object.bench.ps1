<#
.SYNOPSIS
    Get-Pkcs11Object against p11tool --list-all and pkcs11-tool -O, on a SoftHSM token with 200 objects.
.DESCRIPTION
    Makes a private SoftHSM token and fills it the way users do: -KeyPairs EC key pairs (pkcs11-tool
    --keypairgen), -Certificates certificates and -DataObjects data objects (pkcs11-tool --write-object): 200
    objects by default. Registers it in a private p11-kit registry (so it needs the private mount namespace:
    run it as tests/tools/ns-run.sh dotnet pwsh -File bench/Get-Pkcs11Object.bench.ps1 after build.ps1 -Task Test
    has built the module and the test fixture). Then times, in the same run and in rounds that alternate the
    tools, listing the token's public objects: Get-Pkcs11Object in this warm PowerShell session, p11tool
    --list-all (a process per call, through p11-kit, as a user would run it) and pkcs11-tool -O. All three are
    first checked to list the same objects. Prints the median of each and the ratios.
#>
[CmdletBinding()]
param(
    [int] $KeyPairs = 20,
    [int] $Certificates = 60,
    [int] $DataObjects = 100,
    [int] $Rounds = 15,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'SoftHsmBench.ps1') -ModuleDir $ModuleDir

$label = 'Bench objects'
$hsm = [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]]@($label))
$scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-objbench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory $scratch | Out-Null
try {
    Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    $hsm.Register('softhsm2') | Out-Null
    $library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
    $pin = [SmartCardPS.TestFixture.SoftHsmFixture]::UserPin
    $total = 2 * $KeyPairs + $Certificates + $DataObjects
    Write-Host "Filling the token with $total objects..."
    $login = @('--module', $library, '--token-label', $label, '--login', '--pin', $pin)
    for ($i = 1; $i -le $KeyPairs; $i++) {
        Invoke-Tool pkcs11-tool @login --keypairgen --key-type EC:prime256v1 --label "key $i" --id ('{0:x4}' -f $i)
    }
    $certificate = Join-Path $scratch 'cert.der'
    Invoke-Tool openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $scratch 'key.pem') -outform der -out $certificate -subj '/CN=bench' -days 30
    for ($i = 1; $i -le $Certificates; $i++) {
        Invoke-Tool pkcs11-tool @login --write-object $certificate --type cert --label "cert $i" --id ('{0:x4}' -f (1000 + $i))
    }
    $data = Join-Path $scratch 'data.bin'
    [IO.File]::WriteAllBytes($data, [byte[]](1..64))
    for ($i = 1; $i -le $DataObjects; $i++) {
        Invoke-Tool pkcs11-tool @login --write-object $data --type data --label "data $i"
    }

    $token = Get-Pkcs11Token -Label $label
    # The same public objects from all three before timing anything.
    $ours = @(Get-Pkcs11Object -Token $token)
    $expected = $KeyPairs + $Certificates + $DataObjects
    if ($ours.Count -ne $expected) { throw "Get-Pkcs11Object listed $($ours.Count) public objects, expected $expected." }
    $theirs = @(& p11tool --list-all $token.Uri 2>$null | Select-String '^\tURL: (.*)$' | ForEach-Object { $_.Matches[0].Groups[1].Value })
    if (Compare-Object ($ours.Uri | Sort-Object) ($theirs | Sort-Object) -SyncWindow 1000) { throw 'Get-Pkcs11Object and p11tool --list-all list different objects.' }
    $pkcs11Tool = @(& pkcs11-tool --module $library --token-label $label -O 2>$null | Select-String '^(Certificate|Public Key|Private Key|Secret Key) Object|^Data object')
    if ($pkcs11Tool.Count -ne $expected) { throw "pkcs11-tool -O listed $($pkcs11Tool.Count) objects, expected $expected." }

    # Warm-up: JIT for the cmdlet, page cache for the tools.
    1..3 | ForEach-Object { $null = Get-Pkcs11Object -Token $token; $null = & p11tool --list-all $token.Uri; $null = & pkcs11-tool --module $library --token-label $label -O 2>$null }

    $median = Measure-Rounds ([ordered]@{
            'Get-Pkcs11Object'   = { Get-Pkcs11Object -Token $token }
            'p11tool --list-all' = { & p11tool --list-all $token.Uri }
            'pkcs11-tool -O'     = { & pkcs11-tool --module $library --token-label $label -O 2>$null }
        }) $Rounds
    Write-BenchResult "A token with $total objects ($expected public), median of $Rounds rounds (ms):" $median
    $met = if ($median['Get-Pkcs11Object'] -lt $median['p11tool --list-all'] -and $median['Get-Pkcs11Object'] -lt $median['pkcs11-tool -O']) { 'met' } else { 'NOT met' }
    Write-Host "  Target (faster than both): $met"
}
finally {
    $hsm.Dispose()
    Remove-Item $scratch -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem '/usr/share/p11-kit/modules' -Force -ErrorAction SilentlyContinue | Remove-Item -Force
}
