BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Provision.ps1')
    $script:State = Start-TestProvisioning -Label 'Data'
    if ($State) {
        $script:Hsm, $script:Scratch = $State.Hsm, $State.Scratch
        $script:Pin = ConvertTo-TestPin 1234
        $script:Token = Get-Pkcs11Token -Label 'Data'
        $env:GNUTLS_PIN = '1234'
        $script:ValueFile = Join-Path $Scratch 'value.bin'
        [IO.File]::WriteAllBytes($ValueFile, [byte[]](0..255))
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Import-Pkcs11Object' -Skip:$NoFixture {
    It 'writes a private data object from a file, which pkcs11-tool reads back byte for byte and p11tool lists only after a login' {
        $object = Get-Item $ValueFile | Import-Pkcs11Object -Token $Token -Label 'secret blob' -Application 'my app' -Private -Pin $Pin
        $object.Uri | Should -BeExactly "$($Token.Uri);object=secret%20blob;type=data"
        $object.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::Private) | Should -BeTrue
        $read = Join-Path $Scratch 'read.bin'
        Invoke-TestTool pkcs11-tool --module $SoftHsmLibrary --token-label Data --login --pin 1234 --read-object --type data --label 'secret blob' --output-file $read | Out-Null
        [IO.File]::ReadAllBytes($read) | Should -Be ([IO.File]::ReadAllBytes($ValueFile))
        (Invoke-TestTool pkcs11-tool --module $SoftHsmLibrary --token-label Data --login --pin 1234 --list-objects --type data) -join "`n" | Should -Match "application:\s+'my app'"
        @(Get-P11toolObject --list-all $Token.Uri | Where-Object Label -eq 'secret blob').Count | Should -Be 0
        (Get-P11toolObject --login --list-all $Token.Uri | Where-Object Label -eq 'secret blob').URL | Should -BeExactly $object.Uri
    }

    It 'writes a public data object from bytes, listed without a login' {
        $object = Import-Pkcs11Object -Uri "$($Token.Uri)?pin-value=1234" -Value ([Text.Encoding]::UTF8.GetBytes('hello')) -Label 'public note'
        $object.Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11ObjectFlags]::Private) | Should -BeFalse
        (Get-P11toolObject --list-all $Token.Uri | Where-Object Label -eq 'public note').URL | Should -BeExactly $object.Uri
    }

    It '-WhatIf loads no module and changes nothing; a wrong PIN is one C_Login and no C_CreateObject' {
        $shim = New-TestPkcs11Shim
        if (-not $shim) { Set-ItResult -Skipped -Because 'gcc is missing'; return }
        try {
            $uri = "pkcs11:token=Data?module-path=$($shim.LibraryPath)"
            $before = Get-TokenDirectorySnapshot $Hsm
            $text = Get-WhatIfText { Import-Pkcs11Object -Uri $uri -Path $ValueFile -Label 'never' -Private -WhatIf } $Scratch
            $text | Should -Match "What if: Performing the operation ""Write private data object 'never'"" on target"
            $shim.Log | Should -BeNullOrEmpty
            Get-TokenDirectorySnapshot $Hsm | Should -Be $before
            Import-Pkcs11Object -Uri $uri -Path $ValueFile -Label 'never' -Private -Pin (ConvertTo-TestPin 0000) -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11ObjectPinIncorrect,SmartCardPS.Commands.ImportPkcs11ObjectCommand'
            $shim.Logins | Should -Be @(160)
            $shim.Returns('CreateObject') | Should -BeNullOrEmpty
        }
        finally { if ($shim) { $shim.Dispose() } }
        Import-Pkcs11Object -Token $Token -Label 'x' -Pin $Pin -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'ImportPkcs11ObjectValueRequired,SmartCardPS.Commands.ImportPkcs11ObjectCommand'
    }

    It 'destroys the new data object when reading it back fails (one C_CreateObject, one C_DestroyObject): nothing is left' {
        # A data object has no key to pair with: the first C_GetAttributeValue is the read-back of the new object.
        Assert-UnreadImportRolledBack Import-Pkcs11Object Data {
            param($Uri) Import-Pkcs11Object -Uri $Uri -Path $ValueFile -Label 'unread' -Private
        }
    }
}
