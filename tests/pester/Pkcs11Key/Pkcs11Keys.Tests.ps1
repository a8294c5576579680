# Issue 26: keys on tokens through the cmdlets, on a private SoftHSM registered through the PKCS#11 shim (which logs
# every C_Login and can hide mechanisms, fail key generation or mark the token write-protected), compared with
# p11tool, ssh-keygen, pkcs11-tool and openssl.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'KeyToken', 'Spare token'
    if ($Hsm) {
        $script:Shim = New-TestPkcs11Shim
        $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-keys-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
        New-Item -ItemType Directory $Scratch | Out-Null
        Clear-TestRegistry
        # Through the shim when gcc is there, so every C_Login is counted; straight to SoftHSM otherwise.
        $library = if ($Shim) { $Shim.LibraryPath } else { [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath }
        $Hsm.Register('keys', $PackageModuleDir, "module: $library`n") | Out-Null
        $script:SoftHsm = [SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath
        $script:Pin = ConvertTo-SecureString $ObjectPin -AsPlainText -Force
        $env:GNUTLS_PIN = $ObjectPin
        $script:TokenUri = (Get-Pkcs11Token -Label 'KeyToken').Uri
    }
    function Get-TestLogins { if ($Shim) { @($Shim.Logins) } else { $null } }
}

AfterAll {
    if ($script:Shim) { $Shim.Dispose() }
    if ($script:Hsm) { $Hsm.Dispose() }
    if ($script:Scratch) { Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue }
    Clear-TestRegistry
}

Describe 'New-Pkcs11KeyPair' -Skip:$NoFixture {
    It 'generates a pair that p11tool lists with our URIs, with one C_Login' {
        $Shim.ResetLog()
        $pair = @(New-Pkcs11KeyPair -Token KeyToken -Algorithm Ec -Curve P-384 -Label 'web' -Pin $Pin)
        $pair.Count | Should -Be 2
        $pair[0].Class | Should -Be PrivateKey
        $pair[1].Class | Should -Be PublicKey
        $pair[0].Id | Should -Be $pair[1].Id
        $pair[0].Curve | Should -Be secp384r1
        $pair[0].Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::Sensitive) | Should -BeTrue
        $listed = (Invoke-TestTool p11tool --provider $SoftHsm --login --list-all $TokenUri) -join "`n"
        foreach ($key in $pair) { $listed | Should -Match ('(?m)URL: ' + [regex]::Escape($key.Uri) + '$') }
        Invoke-TestTool p11tool --provider $SoftHsm --login --test-sign $pair[0].Uri | Out-Null
        if ($Shim) { Get-TestLogins | Should -Be @(0) }
    }

    It 'takes -Id, -Usage and a URI with the PIN in it' {
        $pair = New-Pkcs11KeyPair -Uri "$($TokenUri)?pin-value=$ObjectPin" -Label 'decrypt only' -Id 0a:0b -Usage Decrypt
        $pair[0].Id | Should -Be '0a0b'
        $pair[0].Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::Sign) | Should -BeFalse
        $pair[0].Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::Decrypt) | Should -BeTrue
        $pair[0].KeySize | Should -Be 2048
    }

    It 'loads no module and changes nothing with -WhatIf' {
        $Shim.ResetLog()
        $before = @(Get-Pkcs11Object -Token KeyToken -Type PublicKey).Count
        $Shim.ResetLog()
        $text = Get-WhatIfText { New-Pkcs11KeyPair -Token KeyToken -Label 'never' -WhatIf } $Scratch
        $text | Should -Match "Generate an RSA 2048-bit key pair labelled 'never'"
        $Shim.Log | Should -BeNullOrEmpty -Because 'nothing may be loaded under -WhatIf (no C_Initialize)'
        @(Get-Pkcs11Object -Token KeyToken -Type PublicKey).Count | Should -Be $before
    }

    # -Curve alone says which kind of key: the default algorithm (Rsa) must not quietly win over it.
    It 'makes <Expected> keys from -Curve <Curve> alone, and says so under -WhatIf' -ForEach @(
        @{ Curve = 'P-384'; Expected = 'EC'; Name = 'secp384r1'; Text = 'an EC P-384 key pair' }
        @{ Curve = 'Ed25519'; Expected = 'EC_EDWARDS'; Name = 'Ed25519'; Text = 'an Ed25519 key pair' }
    ) {
        Get-WhatIfText { New-Pkcs11KeyPair -Token KeyToken -Curve $Curve -Label "by curve $Curve" -WhatIf } $Scratch | Should -Match "Generate $Text labelled"
        $pair = New-Pkcs11KeyPair -Token KeyToken -Curve $Curve -Label "by curve $Curve" -Pin $Pin
        $pair.KeyType | Should -Be $Expected, $Expected
        $pair[1].Curve | Should -Be $Name
    }

    It 'refuses -Curve with an RSA key, -KeySize with a curve and a curve of the other algorithm, before loading anything' -ForEach @(
        @{ Arguments = @{ Algorithm = 'Rsa'; Curve = 'P-256' }; Text = '-Curve P-256 is for Ec and EdDsa keys' }
        @{ Arguments = @{ Algorithm = 'Ec'; KeySize = 3072 }; Text = '-KeySize is for RSA keys' }
        @{ Arguments = @{ Curve = 'P-256'; KeySize = 3072 }; Text = '-KeySize is for RSA keys' }
        @{ Arguments = @{ Algorithm = 'Ec'; Curve = 'Ed25519' }; Text = 'Ed25519 is the curve of EdDsa keys' }
        @{ Arguments = @{ Algorithm = 'EdDsa'; Curve = 'P-521' }; Text = 'EdDsa keys are on Ed25519' }
    ) {
        $Shim.ResetLog()
        { New-Pkcs11KeyPair -Token KeyToken -Pin $Pin @Arguments -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewPkcs11KeyPairAlgorithmConflict,SmartCardPS.Commands.NewPkcs11KeyPairCommand' -ExpectedMessage "*$Text*"
        $Shim.Log | Should -BeNullOrEmpty -Because 'a wrong combination is refused before any module is loaded'
    }

    It 'reports a wrong PIN once, with one C_Login and without the PIN' {
        $Shim.ResetLog()
        $wrong = ConvertTo-SecureString '999999' -AsPlainText -Force
        $err = $null
        New-Pkcs11KeyPair -Token KeyToken -Pin $wrong -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'NewPkcs11KeyPairPinIncorrect,SmartCardPS.Commands.NewPkcs11KeyPairCommand'
        "$($err[0])" | Should -Not -Match '999999'
        Get-TestLogins | Should -Be @(0xA0)
    }

    It 'refuses <Case> with <Id>' -ForEach @(
        @{ Case = 'a key size outside the token''s range'; Id = 'KeySizeOutOfRange'; Arguments = @{ KeySize = 32768 }; Set = {}; Text = 'CKR_KEY_SIZE_RANGE.*512 to 16384 bits' }
        @{ Case = 'a mechanism the token does not list'; Id = 'MechanismNotSupported'; Arguments = @{ Algorithm = 'EdDsa' }; Set = { $Shim.HideMechanisms(0x1055) }; Text = 'does not list CKM_EC_EDWARDS_KEY_PAIR_GEN.*CKM_RSA_PKCS_KEY_PAIR_GEN' }
        @{ Case = 'a full token'; Id = 'TokenFull'; Arguments = @{ Algorithm = 'Ec' }; Set = { $Shim.FailGenerateKeyPair(0x31) }; Text = 'CKR_DEVICE_MEMORY' }
        @{ Case = 'a read-only token'; Id = 'ReadOnlyToken'; Arguments = @{ Algorithm = 'Ec' }; Set = { $Shim.AddTokenFlags(2) }; Text = 'write-protected' }
    ) {
        if (-not $Shim) { Set-ItResult -Skipped -Because ([SmartCardPS.TestFixture.Pkcs11Shim]::Unavailable()); return }
        & $Set
        try {
            $err = $null
            New-Pkcs11KeyPair -Token KeyToken -Pin $Pin @Arguments -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -Be "NewPkcs11KeyPair$Id,SmartCardPS.Commands.NewPkcs11KeyPairCommand"
            "$($err[0])" | Should -Match $Text
        }
        finally {
            $Shim.HideMechanisms()
            $Shim.FailGenerateKeyPair(0)
            $Shim.AddTokenFlags(0)
        }
    }
}

Describe 'Export-Pkcs11PublicKey' -Skip:$NoFixture {
    BeforeAll {
        $script:Rsa = New-Pkcs11KeyPair -Token KeyToken -Label 'ssh rsa' -Pin $Pin
        $script:Ec = New-Pkcs11KeyPair -Token KeyToken -Algorithm Ec -Label 'ssh ec' -Pin $Pin
    }

    It 'writes PEM byte for byte as p11tool --export-pubkey, from the public key, the private key or its URI' {
        foreach ($pair in $Rsa, $Ec) {
            $theirs = Join-Path $Scratch "theirs-$($pair[1].Id).pem"
            Invoke-TestTool p11tool --provider $SoftHsm --export-pubkey $pair[1].Uri --outfile $theirs | Out-Null
            $expected = [IO.File]::ReadAllText($theirs)
            $pair[1] | Export-Pkcs11PublicKey | Should -BeExactly $expected
            $pair[0] | Export-Pkcs11PublicKey -Pin $Pin | Should -BeExactly $expected
            Export-Pkcs11PublicKey -Uri ($pair[1].Uri -replace ';type=public$') | Should -BeExactly $expected
        }
    }

    It 'writes the line ssh-keygen -D prints for the key, with the label as comment' {
        $lines = & ssh-keygen -D $SoftHsm 2>$null
        foreach ($pair in $Rsa, $Ec) {
            $ours = $pair[1] | Export-Pkcs11PublicKey -Format OpenSsh
            $lines | Should -Contain $ours
            $ours | Should -Match " $([regex]::Escape($pair[1].Label))$"
        }
    }

    It 'writes -Path atomically, only with -Force over a file, and nothing (loading nothing) with -WhatIf' {
        $path = Join-Path $Scratch 'rsa.der'
        $file = $Rsa[1] | Export-Pkcs11PublicKey -Format Der -Path $path
        $file | Should -BeOfType ([IO.FileInfo])
        [IO.File]::ReadAllBytes($path) | Should -Be ($Rsa[1] | Export-Pkcs11PublicKey -Format Der)
        { $Rsa[1] | Export-Pkcs11PublicKey -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'ExportPkcs11PublicKeyFileExists,SmartCardPS.Commands.ExportPkcs11PublicKeyCommand'
        $other = Join-Path $Scratch 'never.pem'
        $Shim.ResetLog()
        Export-Pkcs11PublicKey -Uri $Ec[1].Uri -Path $other -WhatIf
        Test-Path $other | Should -BeFalse
        $Shim.Log | Should -BeNullOrEmpty
    }

    # ssh-keygen -D lists each key once, though the token holds it as a public key, a private key and certificates.
    It 'exports each key once per run, to the pipeline or one -Path, however many of its objects are piped' {
        @($Ec | Export-Pkcs11PublicKey -Pin $Pin -Format OpenSsh) | Should -HaveCount 1
        $path = Join-Path $Scratch 'pair.pem'
        $Ec | Export-Pkcs11PublicKey -Pin $Pin -Path $path -ErrorVariable failures | Should -HaveCount 1
        $failures | Should -BeNullOrEmpty
        [IO.File]::ReadAllText($path) | Should -BeExactly ($Ec[1] | Export-Pkcs11PublicKey)
        $both = Join-Path $Scratch 'both.pem'
        $Rsa[1], $Ec[1] | Export-Pkcs11PublicKey -Path $both -ErrorVariable failures -ErrorAction SilentlyContinue | Should -HaveCount 1
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'ExportPkcs11PublicKeyOnePathSeveralKeys,SmartCardPS.Commands.ExportPkcs11PublicKeyCommand'
        [IO.File]::ReadAllText($both) | Should -BeExactly ($Rsa[1] | Export-Pkcs11PublicKey)
        # Every object on the token, after a login: the keys ssh-keygen -D lists (it skips Ed25519 ones), each once.
        $ours = @(Get-Pkcs11Object -Token KeyToken -Login -Pin $Pin | Export-Pkcs11PublicKey -Pin $Pin -Format OpenSsh -ErrorAction SilentlyContinue |
                Where-Object { $_ -notlike 'ssh-ed25519 *' } | ForEach-Object { ($_ -split ' ')[0, 1] -join ' ' })
        $theirs = @(& ssh-keygen -D $SoftHsm 2>$null | ForEach-Object { ($_ -split ' ')[0, 1] -join ' ' })
        $ours | Sort-Object | Should -Be ($theirs | Sort-Object)
    }

    It 'says KeyNotFound for a URI that names no key' {
        { Export-Pkcs11PublicKey -Uri "$TokenUri;object=nothing;type=public" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportPkcs11PublicKeyKeyNotFound,SmartCardPS.Commands.ExportPkcs11PublicKeyCommand'
    }
}

Describe 'New-Pkcs11CertificateRequest' -Skip:$NoFixture {
    BeforeAll {
        $script:Key = (New-Pkcs11KeyPair -Token KeyToken -Algorithm Ec -Label 'csr' -Pin $Pin)[0]
    }

    It 'signs a request on the token that openssl verifies, with what was asked for and the token''s key' {
        $Shim.ResetLog()
        $request = $Key | New-Pkcs11CertificateRequest -Subject 'CN=www.example.org, O=Example' -DnsName www.example.org -Email a@example.org -KeyUsage DigitalSignature -ExtendedKeyUsage ServerAuth, 1.3.6.1.5.5.7.3.2 -Pin $Pin
        if ($Shim) { Get-TestLogins | Should -Be @(0) }
        $request.Mechanism | Should -Be CKM_ECDSA
        $pemFile = Join-Path $Scratch 'req.pem'
        Set-Content -Path $pemFile -Value $request.Pem -NoNewline
        (& openssl req -verify -noout -in $pemFile 2>&1) -join "`n" | Should -Match 'verify OK'
        $text = (& openssl req -text -noout -in $pemFile) -join "`n"
        $text | Should -Match 'Subject: O = Example, CN = www.example.org'
        $text | Should -Match 'DNS:www.example.org, email:a@example.org'
        $text | Should -Match 'TLS Web Server Authentication, TLS Web Client Authentication'
        (& openssl req -pubkey -noout -in $pemFile) -join "`n" | Should -Be (($Key | Export-Pkcs11PublicKey -Pin $Pin).TrimEnd("`n"))
        ($request | Format-Table | Out-String -Width 80) | Should -Match 'csr\s+CKM_ECDSA\s+CN=www.example.org, O=Example'
    }

    It 'makes a self-signed certificate that openssl verifies and imports it paired with the key' {
        $cert = New-Pkcs11CertificateRequest -Uri "$($Key.Uri)?pin-value=$ObjectPin" -Subject 'CN=self' -SelfSigned -NotAfter ([datetime]'2040-01-01') -Import
        $cert.Class | Should -Be Certificate
        $cert.Id | Should -Be $Key.Id
        $cert.Label | Should -Be $Key.Label
        $file = Join-Path $Scratch 'self.pem'
        Set-Content -Path $file -Value $cert.Pem -NoNewline
        (& openssl verify -CAfile $file $file 2>&1) -join "`n" | Should -Match ': OK'
        (Get-Pkcs11Object -Token KeyToken -Type Certificate -Label csr).Id | Should -Be $Key.Id
    }

    It 'pairs a self-signed <Algorithm> certificate imported later with its key, as p11tool lists it' -ForEach @(
        @{ Algorithm = 'Rsa'; Label = 'later rsa' }
        @{ Algorithm = 'Ec'; Label = 'later ec' }
        @{ Algorithm = 'EdDsa'; Label = 'later ed25519' }
    ) {
        $private = (New-Pkcs11KeyPair -Token KeyToken -Algorithm $Algorithm -Label $Label -Pin $Pin)[0]
        $cert = $private | New-Pkcs11CertificateRequest -Subject "CN=$Label" -SelfSigned -Pin $Pin
        $cert | Should -BeOfType System.Security.Cryptography.X509Certificates.X509Certificate2
        $imported = $cert | Import-Pkcs11Certificate -Token KeyToken -Pin $Pin
        $imported.Id | Should -Be $private.Id
        (Get-Pkcs11Object -Token KeyToken -Type Certificate -Label $Label).Id | Should -Be $private.Id
        $listed = (Invoke-TestTool p11tool --provider $SoftHsm --login --list-all "$TokenUri;id=$(($private.Id -split '(..)' -ne '' | ForEach-Object { "%$_" }) -join '')") -join "`n"
        $listed | Should -Match 'Type: X\.509 Certificate'
        $listed | Should -Match 'Type: Private key'
    }

    It 'completes -ExtendedKeyUsage names and -Token labels' {
        $line = 'New-Pkcs11CertificateRequest -ExtendedKeyUsage Cl'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'ClientAuth'"
        # Tab answers from the last listing, and the first Tab in a process waits for one at most a second: list first.
        Get-Pkcs11Token | Out-Null
        $line = 'New-Pkcs11KeyPair -Token KeyT'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be "'KeyToken'"
        # The completion refreshes the label listing in the background; its C_Initialize must not land in the next test's log.
        Wait-TokenLabelRefresh
    }

    It 'loads nothing with -Import -WhatIf and refuses -Import without -SelfSigned' {
        $Shim.ResetLog()
        $Key | New-Pkcs11CertificateRequest -Subject 'CN=never' -SelfSigned -Import -WhatIf
        $Shim.Log | Should -BeNullOrEmpty
        { $Key | New-Pkcs11CertificateRequest -Subject 'CN=x' -Import -ErrorAction Stop } |
            Should -Throw -ErrorId 'NewPkcs11CertificateRequestSelfSignedOnly,SmartCardPS.Commands.NewPkcs11CertificateRequestCommand'
    }
}

Describe 'Test-Pkcs11Key' -Skip:$NoFixture {
    It 'passes every key that signs, skips the one that may not, with one C_Login, and -Quiet says so' {
        $Shim.ResetLog()
        $results = @(Test-Pkcs11Key -Token KeyToken -Pin $Pin)
        if ($Shim) { Get-TestLogins | Should -Be @(0) }
        $results.Count | Should -BeGreaterThan 4
        $results | Where-Object Status -eq Fail | Should -BeNullOrEmpty
        ($results | Where-Object Key -eq 'ssh rsa').Mechanism | Should -Be CKM_RSA_PKCS, CKM_RSA_PKCS_PSS
        ($results | Where-Object Key -eq 'decrypt only').Status | Should -Be Skipped
        ($results | Where-Object Key -eq 'decrypt only').Detail | Should -Match 'CKA_SIGN'
        Test-Pkcs11Key -Uri "$TokenUri;object=ssh%20ec?pin-value=$ObjectPin" -Quiet | Should -BeTrue
        Test-Pkcs11Key -Token KeyToken -Pin $Pin -Quiet | Should -BeFalse -Because 'a skipped key is not a pass'
        $pass = $results | Where-Object Status -eq Pass | Select-Object -First 1
        $json = $pass | ConvertTo-Json | ConvertFrom-Json
        $json.Status | Should -BeExactly 'Pass'
        $json.KeyUri | Should -Be $pass.KeyUri
        $json.Mechanism | Should -Be $pass.Mechanism
        ($results | Format-Table | Out-String -Width 80) | Should -Match 'ssh rsa\s+CKM_RSA_PKCS\s+Pass'
    }
}
