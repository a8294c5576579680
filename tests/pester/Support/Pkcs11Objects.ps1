# Dot-sourced by the Pester files about PKCS#11 objects: a SoftHSM token filled the way users fill one
# (p11tool --generate-privkey and --write, certtool and openssl certificates, pkcs11-tool --write-object and
# --keygen), and p11tool's and pkcs11-tool's listings as objects.

. (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')

$script:ObjectPin = '1234'

function Invoke-TestTool {
    $file, $arguments = $args[0], @($args | Select-Object -Skip 1)
    $output = & $file @arguments 2>&1
    if ($LASTEXITCODE) { throw "$file $($arguments -join ' ') failed ($LASTEXITCODE): $($output -join "`n")" }
    $output
}

# Fills the token: RSA and EC key pairs, a certtool certificate (marked CA) and an openssl one, a public and a
# private data object, an AES key; labels and ids with characters URIs must escape. Returns the files made.
function Initialize-TestObjectToken([string] $TokenUri, [string] $TokenLabel, [string] $Scratch) {
    $env:GNUTLS_PIN = $script:ObjectPin
    $module = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
    Invoke-TestTool p11tool --login --generate-privkey rsa --bits 2048 --label 'RSA key/é;x' --id 0102ff $TokenUri | Out-Null
    Invoke-TestTool p11tool --login --generate-privkey ecdsa --curve secp384r1 --label 'EC key?a=b&c' $TokenUri | Out-Null

    $gnutlsKey = Join-Path $Scratch 'certtool.key'
    $template = Join-Path $Scratch 'certtool.tmpl'
    $gnutlsCert = Join-Path $Scratch 'certtool.pem'
    Set-Content $template "cn = `"Awkward, CN/é`"`nexpiration_days = 30`nca`ncert_signing_key`n"
    Invoke-TestTool certtool --generate-privkey --key-type ecdsa --outfile $gnutlsKey | Out-Null
    Invoke-TestTool certtool --generate-self-signed --load-privkey $gnutlsKey --template $template --outfile $gnutlsCert | Out-Null
    Invoke-TestTool p11tool --login --write --mark-ca --load-certificate $gnutlsCert --label 'CA cert; #1 ü' --id 0102ff $TokenUri | Out-Null

    $sslKey = Join-Path $Scratch 'openssl.key'
    $sslCert = Join-Path $Scratch 'openssl.pem'
    Invoke-TestTool openssl req -x509 -newkey rsa:2048 -nodes -keyout $sslKey -out $sslCert -subj '/CN=OpenSSL leaf/O=Test 100%' -days 10 | Out-Null
    Invoke-TestTool p11tool --login --write --load-certificate $sslCert --label 'leaf 100%' --id a1b2 $TokenUri | Out-Null

    $data = Join-Path $Scratch 'data.bin'
    [IO.File]::WriteAllBytes($data, [byte[]](1..40))
    Invoke-TestTool pkcs11-tool --module $module --token-label $TokenLabel --login --pin $script:ObjectPin --write-object $data --type data --label 'data "obj"' --application-label 'app x' | Out-Null
    Invoke-TestTool pkcs11-tool --module $module --token-label $TokenLabel --login --pin $script:ObjectPin --write-object $data --type data --label 'private data' --private | Out-Null
    Invoke-TestTool pkcs11-tool --module $module --token-label $TokenLabel --login --pin $script:ObjectPin --keygen --key-type AES:32 --label 'aes key' --id 99 | Out-Null
    [pscustomobject]@{ GnuTlsCertificate = $gnutlsCert; OpenSslCertificate = $sslCert }
}

# For BeforeAll: a private SoftHSM with the tokens $Label (filled as above) and $Extra (blank), registered as
# softhsm2 in the private registry, and a scratch folder; $null where the fixture cannot run.
function Start-TestObjectToken([string] $Label, [string[]] $Extra = @()) {
    $hsm = Start-TestSoftHsm -Label (@($Label) + $Extra)
    if (-not $hsm) { return $null }
    $scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-objects-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $scratch | Out-Null
    Clear-TestRegistry
    $hsm.Register('softhsm2') | Out-Null
    $token = Get-Pkcs11Token -Label $Label
    $files = Initialize-TestObjectToken -TokenUri $token.Uri -TokenLabel $Label -Scratch $scratch
    [pscustomobject]@{ Hsm = $hsm; Scratch = $scratch; Token = $token; Files = $files }
}

function Stop-TestObjectToken($State) {
    if ($State) {
        $State.Hsm.Dispose()
        Remove-Item $State.Scratch -Recurse -Force -ErrorAction SilentlyContinue
    }
    Clear-TestRegistry
    Remove-Item env:GNUTLS_PIN -ErrorAction SilentlyContinue
}

# p11tool --list-all (and friends) as objects: one per "Object N:" block, keyed by p11tool's field names.
function Get-P11toolObject {
    $objects = @()
    $current = $null
    foreach ($line in (& p11tool @args 2>$null)) {
        if ($line -match '^Object \d+:') { $current = [ordered]@{ Flags = '' }; $objects += $current }
        elseif ($current -and $line -match '^\t([A-Za-z]+): ?(.*)$') { $current[$Matches[1]] = $Matches[2] }
    }
    $objects | ForEach-Object { [pscustomobject]$_ }
}

# What p11tool prints for one of our objects: its URL, Type, Label, Flags and ID lines.
function ConvertTo-P11toolLine([SmartCardPS.Pkcs11.Pkcs11Object] $Object) {
    $f = [SmartCardPS.Pkcs11.Pkcs11ObjectFlags]
    $key = if ($Object.Curve) { "EC/ECDSA-$($Object.Curve.ToUpperInvariant())" } else { "$($Object.KeyType)-$($Object.KeySize)" }
    $type = switch ($Object.Class) {
        'PublicKey' { "Public key ($key)" }
        'PrivateKey' { "Private key ($key)" }
        'Certificate' { "X.509 Certificate ($key)" }
        'SecretKey' { 'Secret key' }
        'Data' { 'Data' }
    }
    $words = @()
    if ($Object.Flags.HasFlag($f::Wrap) -or $Object.Flags.HasFlag($f::Unwrap)) { $words += 'CKA_WRAP/UNWRAP' }
    if ($Object.Flags.HasFlag($f::CertificateAuthority)) { $words += 'CKA_CERTIFICATE_CATEGORY=CA' }
    if ($Object.Flags.HasFlag($f::Private)) { $words += 'CKA_PRIVATE' }
    if ($Object.Flags.HasFlag($f::AlwaysAuthenticate)) { $words += 'CKA_ALWAYS_AUTH' }
    if ($Object.Flags.HasFlag($f::Trusted)) { $words += 'CKA_TRUSTED' }
    if ($Object.Flags.HasFlag($f::Extractable)) { $words += 'CKA_EXTRACTABLE' }
    if ($Object.Flags.HasFlag($f::NeverExtractable)) { $words += 'CKA_NEVER_EXTRACTABLE' }
    if ($Object.Flags.HasFlag($f::Sensitive)) { $words += 'CKA_SENSITIVE' }
    $flags = if ($words) { ($words -join '; ') + '; ' } else { '' }
    $id = ($Object.Id -split '(..)' | Where-Object { $_ }) -join ':'
    "$($Object.Uri) | $type | $($Object.Label) | $flags | $id"
}

function Format-P11toolLine($Parsed) { "$($Parsed.URL) | $($Parsed.Type) | $($Parsed.Label) | $($Parsed.Flags) | $($Parsed.ID)" }

# pkcs11-tool -O as objects: kind (Certificate, Private Key, Public Key, Secret Key, Data), label, ID, Usage, Access, flags.
function Get-Pkcs11ToolObject {
    $objects = @()
    $current = $null
    foreach ($line in (& pkcs11-tool @args 2>$null)) {
        if ($line -match '^(Certificate|Private Key|Public Key|Secret Key) Object') { $current = [ordered]@{ Kind = $Matches[1] }; $objects += $current }
        elseif ($line -match '^Data object') { $current = [ordered]@{ Kind = 'Data' }; $objects += $current }
        elseif ($current -and $line -match "^  ([A-Za-z_]+):\s+'?(.*?)'?\s*$") { $current[$Matches[1]] = $Matches[2] }
    }
    $objects | ForEach-Object { [pscustomobject]$_ }
}
