<#
.SYNOPSIS
    New-Pkcs11KeyPair and Test-Pkcs11Key against p11tool --generate-privkey and pkcs11-tool --sign loops on one SoftHSM token.
.DESCRIPTION
    Issue 26's benchmark. On a private SoftHSM token registered in a private p11-kit registry (run it as
    tests/tools/ns-run.sh dotnet pwsh -File bench/Pkcs11Keys.bench.ps1 after build.ps1 -Task Test has built the module
    and the test fixture), generates -KeyPairs P-256 key pairs with New-Pkcs11KeyPair in this PowerShell session and
    as many with p11tool --generate-privkey (a process each, as a user would run it), then signs -Signatures random
    challenges with one of the keys: Test-Pkcs11Key with the key piped in -Signatures times (a session, a C_Login, a
    C_Sign with CKM_ECDSA and a verification outside the token each), against pkcs11-tool --sign --mechanism ECDSA
    (a process, a login and a C_Sign each). The token's own cost is in both; the ratios show what each adds. Every
    one of our signatures must pass. Prints the totals, the time per key pair and per signature, and the ratios.
#>
[CmdletBinding()]
param(
    [int] $KeyPairs = 20,
    [int] $Signatures = 1000,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'SoftHsmBench.ps1') -ModuleDir $ModuleDir

$label = 'Bench keys'
$hsm = [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]]@($label))
$scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-keybench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory $scratch | Out-Null
try {
    Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    $hsm.Register('softhsm2') | Out-Null
    $library = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
    $pinText = [SmartCardPS.TestFixture.SoftHsmFixture]::UserPin
    $pin = ConvertTo-SecureString $pinText -AsPlainText -Force
    $env:GNUTLS_PIN = $pinText
    $tokenUri = (Get-Pkcs11Token -Label $label).Uri

    $ours = Measure-Once { for ($i = 1; $i -le $KeyPairs; $i++) { New-Pkcs11KeyPair -Token $label -Algorithm Ec -Curve P-256 -Label "ours $i" -Pin $pin } }
    $theirs = Measure-Once { for ($i = 1; $i -le $KeyPairs; $i++) { Invoke-Tool p11tool --provider $library --login --generate-privkey ecdsa --curve secp256r1 --label "p11tool $i" $tokenUri } }
    $generated = @(Get-Pkcs11Object -Token $label -Type PublicKey).Count
    if ($generated -ne 2 * $KeyPairs) { throw "The token holds $generated public keys, expected $(2 * $KeyPairs)." }
    Write-BenchResult "Generating $KeyPairs P-256 key pairs (ms in all)" ([ordered]@{ 'New-Pkcs11KeyPair' = $ours; 'p11tool' = $theirs })

    $key = Get-Pkcs11Object -Token $label -Type PrivateKey -Label 'ours 1' -Pin $pin
    $data = Join-Path $scratch 'challenge.bin'
    [IO.File]::WriteAllBytes($data, [byte[]](1..32))
    $signature = Join-Path $scratch 'signature.bin'
    $failed = 0
    $ours = Measure-Once { $script:failed = @(1..$Signatures | ForEach-Object { $key } | Test-Pkcs11Key -Pin $pin | Where-Object Status -ne Pass).Count }
    if ($failed) { throw "$failed of our $Signatures signatures did not pass." }
    $theirs = Measure-Once {
        for ($i = 1; $i -le $Signatures; $i++) {
            Invoke-Tool pkcs11-tool --module $library --token-label $label --login --pin $pinText --sign --mechanism ECDSA --label 'ours 1' --input-file $data --output-file $signature
        }
    }
    Write-BenchResult "Signing $Signatures challenges with one P-256 key (ms in all)" ([ordered]@{ 'Test-Pkcs11Key' = $ours; 'pkcs11-tool --sign' = $theirs })
    Write-Host ('  per signature: ours {0:N2} ms, pkcs11-tool {1:N2} ms' -f ($ours / $Signatures), ($theirs / $Signatures))
}
finally {
    $hsm.Dispose()
    Remove-Item $scratch -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
}
