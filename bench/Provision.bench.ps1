<#
.SYNOPSIS
    Provisioning SoftHSM tokens with our cmdlets against softhsm2-util + p11tool in a loop.
.DESCRIPTION
    Provisions -Tokens tokens each way in one private SoftHSM, alternating token by token: initialise the free slot
    with a label, SO PIN and user PIN, then write a certificate to it. Ours: Initialize-Pkcs11Token -UserPin and
    Import-Pkcs11Certificate in this PowerShell session. Theirs: softhsm2-util --init-token --free --pin --so-pin and
    p11tool --login --write --load-certificate (a process per call, through p11-kit, as a provisioning script runs them).
    Both must leave the same tokens: every one listed by p11tool --list-tokens with one certificate. Prints the total
    and per-token time of each and the ratio. Run it in the private namespace after build.ps1 -Task Test built the
    module and the test fixture: tests/tools/ns-run.sh dotnet pwsh -File bench/Provision.bench.ps1
#>
[CmdletBinding()]
param(
    [int] $Tokens = 20,
    [string] $ModuleDir = (Join-Path $PSScriptRoot '../out/SmartCardPS')
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'SoftHsmBench.ps1') -ModuleDir $ModuleDir

$hsm = [SmartCardPS.TestFixture.SoftHsmFixture]::Start([string[]]@())
$scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-provbench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
New-Item -ItemType Directory $scratch | Out-Null
try {
    Get-ChildItem '/usr/share/p11-kit/modules', '/etc/pkcs11' -Force -ErrorAction SilentlyContinue | Remove-Item -Recurse -Force
    $hsm.Register('softhsm2') | Out-Null
    $certificate = Join-Path $scratch 'cert.pem'
    Invoke-Tool openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $scratch 'key.pem') -out $certificate -subj '/CN=bench' -days 30
    $so = ConvertTo-SecureString 5678 -AsPlainText -Force
    $user = ConvertTo-SecureString 1234 -AsPlainText -Force
    $env:GNUTLS_PIN = '1234'
    $ours = [Collections.Generic.List[double]]::new()
    $theirs = [Collections.Generic.List[double]]::new()
    for ($i = 1; $i -le $Tokens; $i++) {
        $ours.Add((Measure-Once {
                    $token = Get-Pkcs11Token -IncludeEmptySlots | Where-Object { $_.TokenPresent -and -not $_.TokenInitialized } | Select-Object -First 1 |
                        Initialize-Pkcs11Token -Label "ours $i" -SoPin $so -UserPin $user -Confirm:$false
                    $null = Import-Pkcs11Certificate -Token $token -Path $certificate -Label 'cert' -Pin $user
                }))
        $theirs.Add((Measure-Once {
                    Invoke-Tool softhsm2-util --init-token --free --label "theirs $i" --pin 1234 --so-pin 5678
                    Invoke-Tool p11tool --login --write --load-certificate $certificate --label 'cert' "pkcs11:token=theirs%20$i"
                }))
    }
    # Both ways left the same: every token listed, each with its one certificate.
    $listed = @(& p11tool --list-tokens 2>$null | Select-String '^\tLabel: (.*)$' | ForEach-Object { $_.Matches[0].Groups[1].Value })
    foreach ($i in 1..$Tokens) {
        foreach ($label in "ours $i", "theirs $i") {
            if ($listed -notcontains $label) { throw "p11tool does not list the token '$label'." }
            $certs = @(& p11tool --list-all-certs "pkcs11:token=$($label -replace ' ', '%20')" 2>$null | Select-String '^\tURL: ')
            if ($certs.Count -ne 1) { throw "The token '$label' holds $($certs.Count) certificates, not 1." }
        }
    }
    $total = [ordered]@{
        'Initialize+Import'         = ($ours | Measure-Object -Sum).Sum
        'softhsm2-util + p11tool'   = ($theirs | Measure-Object -Sum).Sum
    }
    Write-BenchResult "Provisioning $Tokens tokens each way (initialise with both PINs, write a certificate), total ms:" $total
    Write-Host ('  per token: ours {0:N1} ms, theirs {1:N1} ms' -f ($total[0] / $Tokens), ($total[1] / $Tokens))
}
finally {
    Remove-Item env:GNUTLS_PIN -ErrorAction SilentlyContinue
    $hsm.Dispose()
    Remove-Item $scratch -Recurse -Force -ErrorAction SilentlyContinue
    Get-ChildItem '/usr/share/p11-kit/modules' -Force -ErrorAction SilentlyContinue | Remove-Item -Force
}
