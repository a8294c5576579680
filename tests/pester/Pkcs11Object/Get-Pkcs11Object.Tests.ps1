BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:State = Start-TestObjectToken -Label 'Objects' -Extra 'Bare token'
    if ($State) {
        $script:Token, $script:Files, $script:Scratch = $State.Token, $State.Files, $State.Scratch
        $script:SecurePin = ConvertTo-SecureString $ObjectPin -AsPlainText -Force
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Get-Pkcs11Object' -Skip:$NoFixture {
    It 'lists the public objects p11tool --list-all lists: URIs byte for byte, types, labels, flags, ids' {
        $ours = @(Get-Pkcs11Object -Token $Token)
        $theirs = @(Get-P11toolObject --list-all $Token.Uri)
        $ours.Count | Should -Be 6
        @($ours | ForEach-Object { ConvertTo-P11toolLine $_ } | Sort-Object) | Should -Be @($theirs | ForEach-Object { Format-P11toolLine $_ } | Sort-Object)
        $ours.Class | Should -Not -Contain 'PrivateKey'
        $ours.Label | Should -Not -Contain 'private data'
    }

    It 'lists the private objects too with -Login, as p11tool --list-all --login (PIN from GNUTLS_PIN)' {
        $ours = @(Get-Pkcs11Object -Token $Token -Login -Pin $SecurePin)
        $theirs = @(Get-P11toolObject --list-all --login $Token.Uri)
        $ours.Count | Should -Be 9
        @($ours | ForEach-Object { ConvertTo-P11toolLine $_ } | Sort-Object) | Should -Be @($theirs | ForEach-Object { Format-P11toolLine $_ } | Sort-Object)
        $rsa = $ours | Where-Object { $_.Class -eq 'PrivateKey' -and $_.KeyType -eq 'RSA' }
        $rsa.Uri | Should -BeExactly "$($Token.Uri);id=%01%02%FF;object=RSA%20key%2F%C3%A9%3Bx;type=private"
        $rsa.KeySize | Should -Be 2048
        $rsa.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]'Sign, Decrypt, Sensitive, Private, Token') | Should -BeTrue
        $ec = $ours | Where-Object { $_.Class -eq 'PrivateKey' -and $_.KeyType -eq 'EC' }
        "$($ec.Curve) $($ec.KeySize) $($ec.Label)" | Should -BeExactly 'secp384r1 384 EC key?a=b&c'
        $ec.Uri | Should -Match ';object=EC%20key%3Fa%3Db%26c;type=private$'
    }

    It 'lists the certificates p11tool --list-all-certs lists, with the X509Certificate2 and PEM' {
        $ours = @(Get-Pkcs11Object -Uri $Token.Uri -Type Certificate)
        $theirs = @(Get-P11toolObject --list-all-certs $Token.Uri)
        @($ours | ForEach-Object { ConvertTo-P11toolLine $_ } | Sort-Object) | Should -Be @($theirs | ForEach-Object { Format-P11toolLine $_ } | Sort-Object)
        $ca = $ours | Where-Object Label -eq 'CA cert; #1 ü'
        $ca.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::CertificateAuthority) | Should -BeTrue
        $file = [Security.Cryptography.X509Certificates.X509Certificate2]::new($Files.GnuTlsCertificate)
        $ca.Certificate.Thumbprint | Should -Be $file.Thumbprint
        $ca.Certificate.Subject | Should -Be $file.Subject
        "$($ca.KeyType)-$($ca.KeySize) $($ca.Curve)" | Should -Be 'EC-256 secp256r1'
        $leaf = $ours | Where-Object Label -eq 'leaf 100%'
        $leaf.Pem | Should -BeExactly ((Get-Content $Files.OpenSslCertificate -Raw) -replace "`r")
        $leaf.Certificate.Subject | Should -Be 'O=Test 100%, CN=OpenSSL leaf'
        $leaf.Uri | Should -BeExactly "$($Token.Uri);id=%A1%B2;object=leaf%20100%25;type=cert"
    }

    It 'reports the same objects, usage and access as pkcs11-tool -O' {
        $ours = @(Get-Pkcs11Object -Token $Token -Login -Pin $SecurePin)
        $theirs = @(Get-Pkcs11ToolObject --module $Token.ModulePath --token-label 'Objects' -O --login --pin $ObjectPin)
        $theirs.Count | Should -Be $ours.Count
        $kinds = @{ Certificate = 'Certificate'; PrivateKey = 'Private Key'; PublicKey = 'Public Key'; SecretKey = 'Secret Key'; Data = 'Data' }
        $usage = [ordered]@{ Encrypt = 'encrypt'; Decrypt = 'decrypt'; Sign = 'sign'; Verify = 'verify'; Wrap = 'wrap'; Unwrap = 'unwrap'; Derive = 'derive' }
        $access = [ordered]@{ Sensitive = 'sensitive'; AlwaysSensitive = 'always sensitive'; Extractable = 'extractable'; NeverExtractable = 'never extractable'; Local = 'local' }
        # pkcs11-tool 0.23 treats a secret key as public for "sign": it never prints it there (CKA_SIGN is true on SoftHSM's AES keys).
        $words = { param($o, $map) @($map.Keys | Where-Object { $o.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]$_) -and -not ($_ -eq 'Sign' -and $o.Class -eq 'SecretKey') } | ForEach-Object { $map[$_] }) -join ', ' }
        $expected = foreach ($o in $ours) {
            $line = "$($kinds[[string]$o.Class]) | $($o.Label)"
            if ($o.Class -ne 'Data') { $line += " | $($o.Id)" }
            if ($o.Class -in 'PrivateKey', 'PublicKey', 'SecretKey') { $line += " | $(& $words $o $usage) | $(& $words $o $access)" }
            if ($o.Class -eq 'Data') { $line += ' | ' + ((@('modifiable'; if ($o.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::Private)) { 'private' })) -join ' ') }
            $line
        }
        $actual = foreach ($t in $theirs) {
            $line = "$($t.Kind) | $($t.label)"
            if ($t.Kind -ne 'Data') { $line += " | $($t.ID)" }
            if ($t.Kind -like '* Key') { $line += " | $($t.Usage) | $($t.Access)" }
            if ($t.Kind -eq 'Data') { $line += " | $($t.flags.Trim())" }
            $line
        }
        @($expected | Sort-Object) | Should -Be @($actual | Sort-Object)
    }

    It 'filters by -Type, -Label (wildcards, any case) and -Id (any hex spelling)' {
        @(Get-Pkcs11Object -Token $Token -Type PublicKey).Class | Sort-Object -Unique | Should -Be 'PublicKey'
        @(Get-Pkcs11Object -Token $Token -Type PublicKey, Data).Count | Should -Be 3
        (Get-Pkcs11Object -Token $Token -Label 'rsa KEY*').Label | Should -BeExactly 'RSA key/é;x'
        @(Get-Pkcs11Object -Token $Token -Id '01:02:FF' -Login -Pin $SecurePin).Class | ForEach-Object ToString | Sort-Object | Should -Be @('Certificate', 'PrivateKey', 'PublicKey')
        @(Get-Pkcs11Object -Token $Token -Id 0102ff).Count | Should -Be 2
    }

    It 'takes object URIs as p11tool prints them, and their PIN from pin-value or pin-source' {
        $public = Get-Pkcs11Object -Token $Token -Type PublicKey -Label 'RSA*'
        $byUri = @(Get-Pkcs11Object -Uri $public.Uri)
        $byUri.Count | Should -Be 1
        $byUri[0].Uri | Should -BeExactly $public.Uri
        $private = $public.Uri -replace 'type=public$', 'type=private'
        @(Get-Pkcs11Object -Uri $private).Count | Should -Be 0
        (Get-Pkcs11Object -Uri "${private}?pin-value=$ObjectPin" -Login).Uri | Should -BeExactly $private
        $pinFile = Join-Path $Scratch 'pin.txt'
        Set-Content $pinFile $ObjectPin
        (Get-Pkcs11Object -Uri "${private}?pin-source=file:$pinFile" -Login).Uri | Should -BeExactly $private
        (Get-Pkcs11Object -Uri "$($Token.Uri);id=%99").Label | Should -BeExactly 'aes key'
    }

    It 'reports a wrong PIN once, with CKR_PIN_INCORRECT and the token''s PIN counter flags, and does not retry' {
        $bad = ConvertTo-SecureString '0000' -AsPlainText -Force
        $objects = @(Get-Pkcs11Object -Token $Token -Pin $bad -ErrorVariable failures -ErrorAction SilentlyContinue)
        $objects.Count | Should -Be 0
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11ObjectPinIncorrect,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failures[0].Exception.ReturnValueName | Should -Be 'CKR_PIN_INCORRECT'
        $failures[0].Exception.PinCountLow | Should -BeTrue
        $failures[0].Exception.TokenFlags.HasFlag([SmartCardPS.Pkcs11.Pkcs11TokenFlags]::UserPinCountLow) | Should -BeTrue
        $failures[0].Exception.Message | Should -Match "token 'Objects' is incorrect \(CKR_PIN_INCORRECT\).*CKF_USER_PIN_COUNT_LOW"
        $failures[0].Exception.Message | Should -Not -Match '0000'
        # p11tool sees the same counter flag on the token.
        (Get-P11toolToken | Where-Object Label -eq 'Objects').Flags | Should -Match 'uPIN low count'
        # A right PIN logs in and clears it.
        @(Get-Pkcs11Object -Token $Token -Pin $SecurePin).Count | Should -Be 9
        (Get-Pkcs11Token -Label 'Objects').Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11TokenFlags]::UserPinCountLow) | Should -BeFalse
    }

    It 'costs the card one C_Login per attempt, whichever way the PIN comes, counted by the shim the module is loaded through' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because ([SmartCardPS.TestFixture.Pkcs11Shim]::Unavailable()); return }
        $config = $State.Hsm.Register('shim', $PackageModuleDir, "module: $($shim.LibraryPath)`n")
        try {
            $viaShim = Get-Pkcs11Token -Module shim -Label 'Objects'
            $bad = ConvertTo-SecureString '0000' -AsPlainText -Force
            # Each wrong PIN is a try off a real card's counter (three on most): a retry would cost two.
            $attempts = [ordered]@{
                Pin        = { Get-Pkcs11Object -Token $viaShim -Pin $bad -ErrorVariable failures -ErrorAction SilentlyContinue }
                Credential = { Get-Pkcs11Object -Token $viaShim -Credential ([pscredential]::new('user', $bad)) -ErrorVariable failures -ErrorAction SilentlyContinue }
                PinValue   = { Get-Pkcs11Object -Uri "$($viaShim.Uri)?module-name=shim&pin-value=0000" -Login -ErrorVariable failures -ErrorAction SilentlyContinue }
            }
            foreach ($way in $attempts.Keys) {
                $shim.ResetLog()
                @(. $attempts[$way]).Count | Should -Be 0 -Because "a wrong PIN by $way finds nothing"
                $failures.Count | Should -Be 1 -Because "a wrong PIN by $way is one error"
                $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11ObjectPinIncorrect,SmartCardPS.Commands.GetPkcs11ObjectCommand'
                $shim.Logins | Should -Be @(0xA0) -Because "a wrong PIN by $way is one C_Login returning CKR_PIN_INCORRECT"
            }
            $shim.ResetLog()
            @(Get-Pkcs11Object -Token $viaShim -Pin $SecurePin).Count | Should -Be 9
            $shim.Logins | Should -Be @(0)
        }
        finally {
            Remove-Item -LiteralPath $config
            $shim.Dispose()
        }
    }

    It 'takes the PIN from -Credential, refuses -Pin with -Credential, and needs a PIN it can get' {
        $credential = [pscredential]::new('user', $SecurePin)
        @(Get-Pkcs11Object -Token $Token -Credential $credential).Count | Should -Be 9
        { Get-Pkcs11Object -Token $Token -Pin $SecurePin -Credential $credential } |
            Should -Throw -ErrorId 'GetPkcs11ObjectPinConflict,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        (Get-Command Get-Pkcs11Object).Parameters['Pin'].ParameterType | Should -Be ([securestring])
        $out = & (Get-Command dotnet).Source (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$ModuleDir/SmartCardPS.psd1'; Get-Pkcs11Object -Uri '$($Token.Uri)' -Login -ErrorAction Continue 2>&1 | ForEach-Object FullyQualifiedErrorId"
        $out | Should -Be 'GetPkcs11ObjectPinRequired,SmartCardPS.Commands.GetPkcs11ObjectCommand'
    }

    It 'says how to pass a PIN given as plain text, without echoing it (issue 23, item 12)' -ForEach @(
        @{ Case = 'a typed number'; Run = { Get-Pkcs11Object -Token $Token -Pin 907531 } }
        @{ Case = 'a string'; Run = { Get-Pkcs11Object -Token $Token -Pin '907531' } }
        @{ Case = 'a variable'; Run = { $plain = '907531'; Get-Pkcs11Object -Token $Token -Login -Pin $plain } }
    ) {
        $err = $Run | Should -Throw -ErrorId 'ParameterArgumentTransformationError,SmartCardPS.Commands.GetPkcs11ObjectCommand' -PassThru
        $message = $err.Exception.Message
        $message | Should -BeLike '*-Pin (Read-Host -AsSecureString*'
        $message | Should -BeLike '*-Credential*'
        $message | Should -BeLike '*pin-source*'
        $message | Should -Not -BeLike '*907531*'
        "$($err.Exception.InnerException)" | Should -Not -BeLike '*907531*'
    }

    It 'asks only the modules -Module names, as Get-Pkcs11Token does (issue 23, item 18)' {
        # A second module that fails to load: listing every module reports it, -Module softhsm2 never loads it.
        $other = Set-TestModuleConfig $SystemModuleDir 'other' "module: /nonexistent/lib/other-pkcs11.so`n"
        try {
            $null = Get-Pkcs11Object -ErrorVariable everyModule -ErrorAction SilentlyContinue
            $everyModule.FullyQualifiedErrorId | Should -Contain 'GetPkcs11ObjectModuleLoadFailed,SmartCardPS.Commands.GetPkcs11ObjectCommand'
            $ours = @(Get-Pkcs11Object -Module softhsm2 -ErrorVariable oneModule)
            $oneModule | Should -BeNullOrEmpty
            @($ours | Where-Object { $_.Token -eq 'Objects' }).Count | Should -Be 6
            @($ours.Uri | Sort-Object) | Should -Be @(Get-Pkcs11Object -Token (Get-Pkcs11Token -Module softhsm2) | ForEach-Object Uri | Sort-Object)
            { Get-Pkcs11Object -Module nosuchmodule -ErrorAction Stop } |
                Should -Throw -ErrorId 'GetPkcs11ObjectModuleNotFound,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        }
        finally { Remove-Item $other }
    }

    It 'lists every initialised token when given neither -Token nor -Uri, and skips the blank one' {
        $all = @(Get-Pkcs11Object -Verbose 4>&1)
        ($all | Where-Object { $_ -is [SmartCardPS.Pkcs11.Pkcs11Object] }).Count | Should -Be 6
        # The token set is p11tool's: the spare uninitialised token is not listed, and named by its slot-id URI it is skipped.
        $spare = @(Get-Pkcs11Token -IncludeEmptySlots | Where-Object TokenInitialized -EQ $false)
        $spare.Count | Should -Be 1
        $skipped = @(Get-Pkcs11Object -Uri $spare[0].Uri -Verbose 4>&1)
        ($skipped | Where-Object { $_ -is [SmartCardPS.Pkcs11.Pkcs11Object] }) | Should -BeNullOrEmpty
        ($skipped | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'not initialised'
        @(Get-Pkcs11Token -Label 'Bare token' | Get-Pkcs11Object).Count | Should -Be 0
    }

    It 'reads a -Label that is not a valid wildcard (a lone bracket) literally: NotFound' {
        { Get-Pkcs11Object -Token $Token -Label 'cert [1' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ObjectNotFound,SmartCardPS.Commands.GetPkcs11ObjectCommand'
    }

    It 'writes NotFound for a literal -Label that matches nothing, not for a wildcard' {
        { Get-Pkcs11Object -Token $Token -Label 'private data' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ObjectNotFound,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        @(Get-Pkcs11Object -Token $Token -Label 'nothing*' -ErrorVariable e).Count | Should -Be 0
        $e.Count | Should -Be 0
        { Get-Pkcs11Object -Uri 'pkcs11:token=Nope' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ObjectTokenNotFound,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        { Get-Pkcs11Object -Uri 'token=Objects' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ObjectInvalidUri,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        { Get-Pkcs11Object -Uri "$($Token.Uri);type=certificate" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ObjectInvalidUri,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        { Get-Pkcs11Object -Id 'xyz' } | Should -Throw -ErrorId 'GetPkcs11ObjectInvalidId,SmartCardPS.Commands.GetPkcs11ObjectCommand'
    }

    It 'keeps label, type and id in the table at 80 columns' {
        $text = Get-Pkcs11Object -Token $Token -Login -Pin $SecurePin | Sort-Object Label | Format-Table | Out-String -Width 80
        $lines = $text -split "`n"
        ($lines | Measure-Object -Maximum Length).Maximum | Should -BeLessOrEqual 80
        $text | Should -Match 'Token: Objects'
        $text | Should -Match 'PrivateKey EC-384'
        $ec = Get-Pkcs11Object -Token $Token -Type PublicKey -Label 'EC*'
        $text | Should -Match ([regex]::Escape($ec.Id))
        $text | Should -Match 'RSA key/é;x +PrivateKey RSA-2048 +0102ff'
    }

    It 'survives ConvertTo-Json: the identifying data and the certificate''s fields round-trip' {
        $cert = Get-Pkcs11Object -Token $Token -Type Certificate -Label 'leaf*'
        $json = $cert | ConvertTo-Json -Depth 5 -WarningVariable w | ConvertFrom-Json
        $w.Count | Should -Be 0
        $json.Uri | Should -BeExactly $cert.Uri
        $json.Pem | Should -BeExactly $cert.Pem
        $json.Certificate.Thumbprint | Should -Be $cert.Certificate.Thumbprint
        $json.Class | Should -Be 'Certificate'
        $default = Get-Pkcs11Object -Token $Token | ConvertTo-Json -WarningAction SilentlyContinue | ConvertFrom-Json
        $default.Count | Should -Be 6
        ($default | Where-Object Label -eq 'leaf 100%').Certificate.Subject | Should -Be $cert.Certificate.Subject
    }
}

Describe 'Get-Pkcs11Object and Export-Pkcs11Certificate on a module that refuses OS locking, from several runspaces' -Skip:$NoFixture {
    BeforeAll {
        $script:NoLock = New-TestPkcs11Shim -NoLocking
        # The only registered module, so a URI names its certificate once.
        Clear-TestRegistry
        if ($NoLock) { $State.Hsm.Register('nolock', $PackageModuleDir, "module: $($NoLock.LibraryPath)`n") | Out-Null }
    }

    AfterAll {
        if ($NoLock) { $NoLock.Dispose() }
        Clear-TestRegistry
        $State.Hsm.Register('softhsm2') | Out-Null
    }

    It 'logs in, lists, exports, logs out and closes each session one call at a time' {
        if (-not $NoLock) { Set-ItResult -Skipped -Because 'gcc is not installed to build the PKCS#11 shim'; return }
        $leafUri = (Get-Pkcs11Object -Token $Token -Type Certificate -Label 'leaf*').Uri
        $NoLock.ResetLog()
        $manifest = Join-Path $ModuleDir 'SmartCardPS.psd1'
        $runs = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            foreach ($i in 1..3) {
                $token = Get-Pkcs11Token -Module nolock -Label Objects
                [pscustomobject]@{
                    Objects = @($token | Get-Pkcs11Object -Login -Pin $using:SecurePin).Count
                    Pem     = Export-Pkcs11Certificate -Uri $using:leafUri
                }
            }
        }
        $runs.Count | Should -Be 12
        $runs.Objects | Sort-Object -Unique | Should -Be 9
        $runs.Pem | Sort-Object -Unique | Should -BeExactly ([IO.File]::ReadAllText($Files.OpenSslCertificate))
        $NoLock.Calls | Should -Contain 'Logout'
        $NoLock.Calls | Should -Contain 'CloseSession'
        $NoLock.Overlaps | Should -Be 0
    }
}
