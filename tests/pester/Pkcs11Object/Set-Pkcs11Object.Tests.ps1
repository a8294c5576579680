BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:State = Start-TestProvisioning -Label 'Relabel'
    if ($State) {
        $script:Hsm, $script:Scratch = $State.Hsm, $State.Scratch
        $script:Pin = ConvertTo-TestPin 1234
        $script:Token = Get-Pkcs11Token -Label 'Relabel'
        $env:GNUTLS_PIN = '1234'
        $script:CertPem = Join-Path $Scratch 'cert.pem'
        Invoke-TestTool openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout (Join-Path $Scratch 'cert.key') -out $CertPem -subj '/CN=Relabelled' -days 3 | Out-Null
        foreach ($label in 'old name', 'twin', 'twin') { Invoke-TestTool p11tool --login --write --load-certificate $CertPem --label $label --id 0a $Token.Uri | Out-Null }
        $data = Join-Path $Scratch 'data.bin'
        [IO.File]::WriteAllBytes($data, [byte[]](1..8))
        Invoke-TestTool pkcs11-tool --module $SoftHsmLibrary --token-label Relabel --login --pin 1234 --write-object $data --type data --label 'some data' | Out-Null
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Set-Pkcs11Object' -Skip:$NoFixture {
    It 'relabels and re-ids a certificate in one call, as p11tool --list-all then shows it' {
        $changed = Get-Pkcs11Object -Token $Token -Label 'old name' | Set-Pkcs11Object -NewLabel 'new name é' -NewId 'c0:ff:ee' -Pin $Pin -PassThru
        $changed.Uri | Should -BeExactly "$($Token.Uri);id=%C0%FF%EE;object=new%20name%20%C3%A9;type=cert"
        (Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'new name é').URL | Should -BeExactly $changed.Uri
        @(Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'old name').Count | Should -Be 0
    }

    It 'changes none of several matches without -Force, and all with it' {
        Set-Pkcs11Object -Uri "$($Token.Uri);object=twin;type=cert?pin-value=1234" -NewLabel 'twins' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetPkcs11ObjectAmbiguousObject,SmartCardPS.Commands.SetPkcs11ObjectCommand'
        @(Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'twin').Count | Should -Be 2
        $changed = @(Set-Pkcs11Object -Token 'Relabel' -Label 'twin' -Type Certificate -NewLabel 'twins' -Pin $Pin -Force -PassThru)
        $changed.Count | Should -Be 2
        @(Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'twins').Count | Should -Be 2
    }

    It 'relabels a data object, and reports the module refusing an id for it (data objects have none)' {
        (Set-Pkcs11Object -Token 'Relabel' -Label 'some data' -Type Data -NewLabel 'renamed data' -Pin $Pin -PassThru).Uri | Should -BeExactly "$($Token.Uri);object=renamed%20data;type=data"
        Set-Pkcs11Object -Token 'Relabel' -Label 'renamed data' -Type Data -NewId 01 -Pin $Pin -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetPkcs11ObjectWriteFailed,SmartCardPS.Commands.SetPkcs11ObjectCommand'
        $failures[0].Exception.ReturnValueName | Should -Be 'CKR_ATTRIBUTE_TYPE_INVALID'
        (Get-Pkcs11Object -Token $Token -Type Data).Label | Should -Be 'renamed data'
    }

    It 'changes neither label nor id when C_SetAttributeValue fails, and says why' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            # Every object file byte for byte; token.object (the token's PINs and flags) SoftHSM rewrites on each C_Login.
            $objectFiles = { Get-TokenDirectorySnapshot $Hsm | Where-Object { $_ -notmatch '/token\.object ' } }
            $before = & $objectFiles
            $shim.Fail('SetAttributeValue', 0x30)
            Set-Pkcs11Object -Uri "pkcs11:token=Relabel;object=new%20name%20%C3%A9?module-path=$($shim.LibraryPath)&pin-value=1234" -NewLabel 'never' -NewId 0d -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'SetPkcs11ObjectWriteFailed,SmartCardPS.Commands.SetPkcs11ObjectCommand'
            $failures[0].Exception.Message | Should -Match 'C_SetAttributeValue returned CKR_DEVICE_ERROR'
            $shim.Returns('SetAttributeValue') | Should -Be @(0x30)
            & $objectFiles | Should -Be $before
            (Get-Pkcs11Object -Token $Token -Type Certificate -Label 'new name é').Id | Should -Be 'c0ffee'
        }
        finally { if ($shim) { $shim.Dispose() } }
    }

    It 'changes none of several objects when the token refuses the change for one of them (SoftHSM: a data object has no CKA_ID)' {
        foreach ($i in 1..3) { Invoke-TestTool p11tool --login --write --load-certificate $CertPem --label 'mixed' --id 0b $Token.Uri | Out-Null }
        $data = Join-Path $Scratch 'mixed.bin'
        [IO.File]::WriteAllBytes($data, [byte[]](1..4))
        Invoke-TestTool pkcs11-tool --module $SoftHsmLibrary --token-label Relabel --login --pin 1234 --write-object $data --type data --label 'mixed' | Out-Null
        Set-Pkcs11Object -Token 'Relabel' -Label 'mixed' -NewLabel 'mixed up' -NewId 0c -Pin $Pin -Force -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetPkcs11ObjectWriteFailed,SmartCardPS.Commands.SetPkcs11ObjectCommand'
        $failures[0].Exception.ReturnValueName | Should -Be 'CKR_ATTRIBUTE_TYPE_INVALID'
        $failures[0].Exception.Message | Should -Match 'nothing was changed'
        $certs = @(Get-P11toolObject --list-all-certs $Token.Uri | Where-Object Label -eq 'mixed')
        $certs.Count | Should -Be 3
        @(Get-Pkcs11Object -Token $Token -Label 'mixed' -Type Certificate).Id | Should -Be '0b', '0b', '0b'
        @(Get-Pkcs11Object -Token $Token -Label 'mixed up' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It '-WhatIf loads no module and changes nothing; a missing change is refused' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $before = Get-TokenDirectorySnapshot $Hsm
            $text = Get-WhatIfText { Set-Pkcs11Object -Uri "pkcs11:token=Relabel;object=twins?module-path=$($shim.LibraryPath)" -NewLabel 'x' -NewId 01 -WhatIf } $Scratch
            $text | Should -Match "What if: Performing the operation ""Set the label to 'x' and the id to 01"" on target"
            $shim.Log | Should -BeNullOrEmpty
            Get-TokenDirectorySnapshot $Hsm | Should -Be $before
        }
        finally { if ($shim) { $shim.Dispose() } }
        { Set-Pkcs11Object -Token 'Relabel' -Label 'twins' } | Should -Throw -ErrorId 'SetPkcs11ObjectChangeRequired,SmartCardPS.Commands.SetPkcs11ObjectCommand'
    }
}
