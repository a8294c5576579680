BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:State = Start-TestProvisioning -Label 'Removals'
    if ($State) {
        $script:Hsm, $script:Scratch = $State.Hsm, $State.Scratch
        $script:Pin = ConvertTo-TestPin 1234
        $script:Token = Get-Pkcs11Token -Label 'Removals'
        $env:GNUTLS_PIN = '1234'
        $script:CertPem = Join-Path $Scratch 'cert.pem'
        Invoke-TestTool openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $Scratch 'cert.key') -out $CertPem -subj '/CN=Removable' -days 3 | Out-Null
    }
    # Writes the certificate with p11tool under $Label (id 0a).
    function Add-P11toolCertificate([string] $Label) { Invoke-TestTool p11tool --login --write --load-certificate $CertPem --label $Label --id 0a $Token.Uri | Out-Null }
    function Get-P11toolLabel { @(Get-P11toolObject --login --list-all $Token.Uri | ForEach-Object Label) }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Remove-Pkcs11Object' -Skip:$NoFixture {
    It 'removes an object p11tool wrote, piped from Get-Pkcs11Object, and p11tool no longer lists it' {
        Add-P11toolCertificate 'written by p11tool'
        Get-P11toolLabel | Should -Contain 'written by p11tool'
        $result = Get-Pkcs11Object -Token $Token -Type Certificate -Label 'written by p11tool' | Remove-Pkcs11Object -Pin $Pin -Confirm:$false
        $result | Should -BeNullOrEmpty
        Get-P11toolLabel | Should -Not -Contain 'written by p11tool'
    }

    It 'removes none of several matches without -Force and lists them; with -Force all, by URI or by -Token and -Label' {
        Add-P11toolCertificate 'twin'
        Add-P11toolCertificate 'twin'
        $uri = "$($Token.Uri);object=twin;type=cert"
        Remove-Pkcs11Object -Uri $uri -Pin $Pin -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'RemovePkcs11ObjectAmbiguousObject,SmartCardPS.Commands.RemovePkcs11ObjectCommand'
        $failures[0].Exception.Message | Should -Match 'matches 2 objects: .*object=twin;type=cert, .*object=twin;type=cert\. Give -Force'
        @(Get-P11toolLabel | Where-Object { $_ -eq 'twin' }).Count | Should -Be 2
        Remove-Pkcs11Object -Token 'Removals' -Label 'twin' -Type Certificate -Pin $Pin -Force -Confirm:$false
        Get-P11toolLabel | Should -Not -Contain 'twin'
    }

    It 'takes the PIN from the URI, and reports a selection that matches nothing' {
        Add-P11toolCertificate 'by uri'
        Remove-Pkcs11Object -Uri "$($Token.Uri);object=by%20uri;type=cert?pin-value=1234" -Confirm:$false
        Get-P11toolLabel | Should -Not -Contain 'by uri'
        Remove-Pkcs11Object -Uri "$($Token.Uri);object=by%20uri;type=cert?pin-value=1234" -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'RemovePkcs11ObjectObjectNotFound,SmartCardPS.Commands.RemovePkcs11ObjectCommand'
        $failures[0].Exception.Message | Should -Match 'pin-value=\*\*\*'
        $failures[0].Exception.Message | Should -Not -Match '1234'
    }

    It '-WhatIf loads no module and changes nothing, byte for byte' {
        Add-P11toolCertificate 'kept'
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $before = Get-TokenDirectorySnapshot $Hsm
            $text = Get-WhatIfText { Remove-Pkcs11Object -Uri "pkcs11:token=Removals;object=kept?module-path=$($shim.LibraryPath)" -WhatIf } $Scratch
            $text | Should -Match 'What if: Performing the operation "Remove \(C_DestroyObject\)" on target "''pkcs11:token=Removals;object=kept\?module-path='
            $text = Get-WhatIfText { Get-Pkcs11Object -Token $Token -Label 'kept' | Remove-Pkcs11Object -WhatIf } $Scratch
            $text | Should -Match ([regex]::Escape("on target ""'$($Token.Uri);id=%0A;object=kept;type=cert'"""))
            $shim.Log | Should -BeNullOrEmpty
            Get-TokenDirectorySnapshot $Hsm | Should -Be $before
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'reports a wrong PIN once (one C_Login, no C_DestroyObject) and a module that cannot destroy clearly' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $uri = "pkcs11:token=Removals;object=kept?module-path=$($shim.LibraryPath)"
            Remove-Pkcs11Object -Uri $uri -Pin (ConvertTo-TestPin 0000) -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'RemovePkcs11ObjectPinIncorrect,SmartCardPS.Commands.RemovePkcs11ObjectCommand'
            $shim.Logins | Should -Be @(160)
            $shim.Returns('DestroyObject') | Should -BeNullOrEmpty
            $shim.Fail('DestroyObject', 0x54)
            Remove-Pkcs11Object -Uri $uri -Pin $Pin -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -Be 'RemovePkcs11ObjectNotSupported,SmartCardPS.Commands.RemovePkcs11ObjectCommand'
            $shim.Logins | Should -Be @(160, 0)
            Get-P11toolLabel | Should -Contain 'kept'
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'refuses to remove a whole token''s objects without a selector' {
        { Remove-Pkcs11Object -Token 'Removals' -Force -Confirm:$false } | Should -Throw -ErrorId 'RemovePkcs11ObjectSelectorRequired,SmartCardPS.Commands.RemovePkcs11ObjectCommand'
        Remove-Pkcs11Object -Uri $Token.Uri -Force -Confirm:$false -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'RemovePkcs11ObjectSelectorRequired,SmartCardPS.Commands.RemovePkcs11ObjectCommand'
        Get-P11toolLabel | Should -Contain 'kept'
    }
}
