BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Objects.ps1')
    $script:State = Start-TestObjectToken -Label 'MyToken'
    if ($State) {
        $script:Token, $script:Files, $script:Scratch = $State.Token, $State.Files, $State.Scratch
        $script:Leaf = Get-Pkcs11Object -Token $Token -Type Certificate -Label 'leaf*'
        $script:Ca = Get-Pkcs11Object -Token $Token -Type Certificate -Label 'CA*'
    }
}

AfterAll { Stop-TestObjectToken $State }

Describe 'Export-Pkcs11Certificate' -Skip:$NoFixture {
    It 'writes the PEM p11tool --export writes (without the two blank lines p11tool appends)' {
        foreach ($cert in $Leaf, $Ca) {
            $path = Join-Path $Scratch "ours-$($cert.Id).pem"
            $theirs = Join-Path $Scratch "theirs-$($cert.Id).pem"
            $file = Export-Pkcs11Certificate -Uri $cert.Uri -Path $path
            $file | Should -BeOfType ([IO.FileInfo])
            $file.FullName | Should -Be $path
            Invoke-TestTool p11tool --export $cert.Uri --outfile $theirs | Out-Null
            [IO.File]::ReadAllText($path) | Should -BeExactly ([IO.File]::ReadAllText($theirs) -replace '\n\n+$', "`n")
        }
        [IO.File]::ReadAllText((Join-Path $Scratch "ours-$($Leaf.Id).pem")) | Should -BeExactly ([IO.File]::ReadAllText($Files.OpenSslCertificate))
    }

    It 'writes the DER p11tool --export --outder writes, byte for byte, from a piped object' {
        $path = Join-Path $Scratch 'ca.der'
        $theirs = Join-Path $Scratch 'ca-theirs.der'
        $Ca | Export-Pkcs11Certificate -Path $path -Format Der | Out-Null
        Invoke-TestTool p11tool --export $Ca.Uri --outder --outfile $theirs | Out-Null
        [IO.File]::ReadAllBytes($path) | Should -Be ([IO.File]::ReadAllBytes($theirs))
    }

    # Issue 23, item 14: a bare FileInfo listed with blank Mode, User and Size and no Directory header.
    It 'emits the file written as Get-Item does, provider-qualified, whatever the current location' {
        $path = Join-Path $Scratch 'as-get-item.pem'
        $file = Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $path
        $item = Get-Item -LiteralPath $path
        $file.PSPath | Should -BeExactly "Microsoft.PowerShell.Core\FileSystem::$path"
        $file.PSPath | Should -BeExactly $item.PSPath
        $file.PSParentPath | Should -BeExactly $item.PSParentPath
        $file.PSProvider.Name | Should -Be 'FileSystem'
        ($file | Out-String -Width 120) | Should -BeExactly ($item | Out-String -Width 120)
        ($file | Out-String -Width 120) | Should -Match 'Directory: '
        Push-Location Env:
        try { $fromEnv = Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $path -Force }
        finally { Pop-Location }
        $fromEnv.PSPath | Should -BeExactly $item.PSPath
    }

    It 'emits the PEM text, or the DER bytes, without -Path' {
        Export-Pkcs11Certificate -Uri $Leaf.Uri | Should -BeExactly $Leaf.Pem
        $der = Export-Pkcs11Certificate -Uri $Leaf.Uri -Format Der
        $der.GetType() | Should -Be ([byte[]])
        $der | Should -Be $Leaf.Certificate.RawData
    }

    It 'escapes control and bidi characters of -Path in what -WhatIf prints' {
        $dir = Join-Path $Scratch "dir`e[2J`n`u{202E}"
        New-Item -ItemType Directory $dir | Out-Null
        $path = Join-Path $dir 'leaf.pem'
        $text = Get-WhatIfText { Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $path -WhatIf } $Scratch
        Assert-EscapedText $text 'dir\x1B[2J\x0A\u202E/leaf.pem', "'$($Leaf.Label)'"
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'refuses to overwrite without -Force, writes nothing with -WhatIf, and replaces with -Force' {
        $path = Join-Path $Scratch 'exists.pem'
        Set-Content $path 'keep me'
        { Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $path -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportPkcs11CertificateFileExists,SmartCardPS.Commands.ExportPkcs11CertificateCommand'
        Get-Content $path | Should -Be 'keep me'
        Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $path -Force -WhatIf | Should -BeNullOrEmpty
        Get-Content $path | Should -Be 'keep me'
        $new = Join-Path $Scratch 'whatif.pem'
        Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $new -WhatIf
        Test-Path $new | Should -BeFalse
        Export-Pkcs11Certificate -Uri $Leaf.Uri -Path $path -Force | Out-Null
        Get-Content $path -Raw | Should -BeExactly $Leaf.Pem
        @(Get-ChildItem $Scratch -Force -Filter '.*.tmp').Count | Should -Be 0
    }

    It 'reports a URI that names no certificate, or several, and an object that is not one' {
        { Export-Pkcs11Certificate -Uri "$($Token.Uri);object=nothing" -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportPkcs11CertificateCertificateNotFound,SmartCardPS.Commands.ExportPkcs11CertificateCommand'
        { Export-Pkcs11Certificate -Uri $Token.Uri -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportPkcs11CertificateAmbiguousUri,SmartCardPS.Commands.ExportPkcs11CertificateCommand'
        $key = Get-Pkcs11Object -Token $Token -Type PublicKey | Select-Object -First 1
        { $key | Export-Pkcs11Certificate -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportPkcs11CertificateNotACertificate,SmartCardPS.Commands.ExportPkcs11CertificateCommand'
        { Export-Pkcs11Certificate -Uri 'not a uri' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ExportPkcs11CertificateInvalidUri,SmartCardPS.Commands.ExportPkcs11CertificateCommand'
    }
}
