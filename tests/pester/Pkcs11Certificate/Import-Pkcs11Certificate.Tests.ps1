BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:State = Start-TestProvisioning -Label 'Certs'
    if ($State) {
        $script:Hsm, $script:Scratch = $State.Hsm, $State.Scratch
        $script:Pin = ConvertTo-TestPin 1234
        $script:Token = Get-Pkcs11Token -Label 'Certs'
        $env:GNUTLS_PIN = '1234'
        # An RSA key on the token (id 0a0b) and its certificate in a file; and a certificate without a key there.
        $script:PairedKey = Join-Path $Scratch 'paired.key'
        $script:PairedPem = Join-Path $Scratch 'paired.pem'
        Invoke-TestTool openssl req -x509 -newkey rsa:2048 -nodes -keyout $PairedKey -out $PairedPem -subj '/CN=Paired cert/O=Test' -days 3 | Out-Null
        Invoke-TestTool pkcs11-tool --module $SoftHsmLibrary --token-label Certs --login --pin 1234 --write-object $PairedKey --type privkey --id 0a0b --label 'paired key' | Out-Null
        $script:LonePem = Join-Path $Scratch 'lone.pem'
        $script:LoneDer = Join-Path $Scratch 'lone.der'
        Invoke-TestTool openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $Scratch 'lone.key') -out $LonePem -subj '/CN=Lone; é' -utf8 -days 3 | Out-Null
        Invoke-TestTool openssl x509 -in $LonePem -outform der -out $LoneDer | Out-Null
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Import-Pkcs11Certificate' -Skip:$NoFixture {
    It 'writes a PEM file with the id of its key on the token, as p11tool --list-all and --export then show it' {
        $object = Import-Pkcs11Certificate -Token $Token -Path $PairedPem -Label 'paired cert' -Pin $Pin
        $object | Should -BeOfType ([SmartCardPS.Pkcs11.Pkcs11Object])
        $object.Id | Should -Be '0a0b'
        $object.Uri | Should -BeExactly "$($Token.Uri);id=%0A%0B;object=paired%20cert;type=cert"
        $listed = Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'paired cert'
        $listed.URL | Should -BeExactly $object.Uri
        ((Invoke-TestTool p11tool --export $object.Uri) -join "`n").Trim() | Should -BeExactly (Get-Content $PairedPem -Raw).Trim()
        $object.Certificate.Subject | Should -Be 'O=Test, CN=Paired cert'
    }

    It 'writes piped certificates and DER files without a key, with the id p11tool gives them and the subject''s name as label' {
        $fromPipe = [Security.Cryptography.X509Certificates.X509Certificate2]::new($LoneDer) | Import-Pkcs11Certificate -Token 'Certs' -Pin $Pin
        $fromPipe.Label | Should -BeExactly 'Lone; é'
        Invoke-TestTool p11tool --login --write --load-certificate $LonePem --label 'by p11tool' $Token.Uri | Out-Null
        $theirs = Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'by p11tool'
        $theirs.URL | Should -BeExactly ($fromPipe.Uri -replace 'object=[^;]*', 'object=by%20p11tool')
        $fromFile = Get-Item $LoneDer | Import-Pkcs11Certificate -Token $Token -Label 'der file' -Id '01:02' -Pin $Pin
        $fromFile.Uri | Should -BeExactly "$($Token.Uri);id=%01%02;object=der%20file;type=cert"
        (Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'der file').URL | Should -BeExactly $fromFile.Uri
    }

    It '-WhatIf loads no module and changes nothing, byte for byte' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $before = Get-TokenDirectorySnapshot $Hsm
            $text = Get-WhatIfText { Import-Pkcs11Certificate -Uri "pkcs11:token=Certs?module-path=$($shim.LibraryPath)" -Path $LonePem -WhatIf } $Scratch
            $text | Should -Match "What if: Performing the operation ""Write '.*lone\.pem'"" on target ""'pkcs11:token=Certs\?module-path="
            $shim.Log | Should -BeNullOrEmpty
            Get-TokenDirectorySnapshot $Hsm | Should -Be $before
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'reports a wrong PIN once (one C_Login, no C_CreateObject) and a module without C_CreateObject clearly' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $uri = "pkcs11:token=Certs?module-path=$($shim.LibraryPath)"
            Import-Pkcs11Certificate -Uri $uri -Path $LonePem -Pin (ConvertTo-TestPin 0000) -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11CertificatePinIncorrect,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
            $failures[0].Exception.PinCountLow | Should -BeTrue
            $shim.Logins | Should -Be @(160)
            $shim.Returns('CreateObject') | Should -BeNullOrEmpty
            $shim.Fail('CreateObject', 0x54)
            Import-Pkcs11Certificate -Uri "$uri&pin-value=1234" -Path $LonePem -Label 'never' -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11CertificateNotSupported,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
            $failures[0].Exception.Message | Should -Match 'C_CreateObject returned CKR_FUNCTION_NOT_SUPPORTED'
            @(Get-Pkcs11Object -Token $Token | Where-Object Label -eq 'never').Count | Should -Be 0
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'leaves nothing behind when C_CreateObject fails, says why, and logs out: the same import then works with one C_Login' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $uri = "pkcs11:token=Certs?module-path=$($shim.LibraryPath)&pin-value=1234"
            # Every object file byte for byte; token.object (the token's PINs and flags) SoftHSM rewrites on each C_Login.
            $objectFiles = { Get-TokenDirectorySnapshot $Hsm | Where-Object { $_ -notmatch '/token\.object ' } }
            $before = & $objectFiles
            $shim.Fail('CreateObject', 0x31)
            Import-Pkcs11Certificate -Uri $uri -Path $LonePem -Label 'half done' -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11CertificateWriteFailed,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
            $failures[0].Exception.Message | Should -Match 'C_CreateObject returned CKR_DEVICE_MEMORY'
            $failures[0].Exception.Message | Should -Not -Match '1234'
            & $objectFiles | Should -Be $before
            @(Get-P11toolObject --list-all $Token.Uri | Where-Object Label -eq 'half done').Count | Should -Be 0
            $shim.Fail('CreateObject', $null)
            $shim.ResetLog()
            (Import-Pkcs11Certificate -Uri $uri -Path $LonePem -Label 'half done').Label | Should -BeExactly 'half done'
            $shim.Logins | Should -Be @(0)
            $shim.Returns('CreateObject') | Should -Be @(0)
            @(Get-P11toolObject --list-all $Token.Uri | Where-Object Label -eq 'half done').Count | Should -Be 1
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'destroys the new object when reading it back fails (one C_CreateObject, one C_DestroyObject) and says so: nothing is left half done' {
        # -Id: no key is read to pair it with, so the first C_GetAttributeValue is the read-back of the new object.
        Assert-UnreadImportRolledBack Import-Pkcs11Certificate Certs {
            param($Uri) Import-Pkcs11Certificate -Uri $Uri -Path $LonePem -Label 'unread' -Id 'c0ffee'
        }
    }

    It 'says which object is left when destroying it fails too, so it can be removed' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $uri = "pkcs11:token=Certs?module-path=$($shim.LibraryPath)&pin-value=1234"
            $shim.Fail('GetAttributeValue', 0x30)
            $shim.Fail('DestroyObject', 0x30)
            Import-Pkcs11Certificate -Uri $uri -Path $LonePem -Label 'stuck' -Id 'c0ffef' -ErrorVariable failures -ErrorAction SilentlyContinue
            $shim.Fail('GetAttributeValue', $null)
            $shim.Fail('DestroyObject', $null)
            $failures.Count | Should -Be 1
            $failures[0].Exception.Message | Should -Match 'destroying it failed too \(C_DestroyObject returned CKR_DEVICE_ERROR\): it is still on the token; remove it with Remove-Pkcs11Object'
            @(Get-P11toolObject --list-all $Token.Uri | Where-Object Label -eq 'stuck').Count | Should -Be 1
            Remove-Pkcs11Object -Uri 'pkcs11:token=Certs;object=stuck;type=cert?pin-value=1234' -Confirm:$false
            @(Get-P11toolObject --list-all $Token.Uri | Where-Object Label -eq 'stuck').Count | Should -Be 0
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'refuses a file that holds no certificate, a missing file, and no certificate at all, before loading anything' {
        $text = Join-Path $Scratch 'not-a-cert.txt'
        Set-Content $text 'hello'
        Import-Pkcs11Certificate -Token 'Certs' -Path $text -Pin $Pin -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11CertificateInvalidCertificate,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
        $failures[0].Exception.Message | Should -Match 'holds no certificate: It is neither DER nor PEM'
        Import-Pkcs11Certificate -Token 'Certs' -Path (Join-Path $Scratch 'missing.pem') -Pin $Pin -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11CertificateReadFailed,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
        Import-Pkcs11Certificate -Token 'Certs' -Pin $Pin -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11CertificateCertificateRequired,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
        { Import-Pkcs11Certificate -Token 'Certs' -Path $LonePem -Id 'xyz' } | Should -Throw -ErrorId 'ImportPkcs11CertificateInvalidId,SmartCardPS.Commands.ImportPkcs11CertificateCommand'
    }
}
