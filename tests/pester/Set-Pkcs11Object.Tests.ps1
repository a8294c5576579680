BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Pkcs11Provision.ps1')
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
