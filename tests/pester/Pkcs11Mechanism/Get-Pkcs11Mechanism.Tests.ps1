BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Mech one', 'Mech two'
    Clear-TestRegistry
    $Hsm.Register('softhsm2') | Out-Null
    $script:Token = Get-Pkcs11Token -Label 'Mech one'
}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Clear-TestRegistry
}

Describe 'Get-Pkcs11Mechanism' -Skip:$NoFixture {
    It 'lists what p11tool --list-mechanisms lists: codes, CKM_ names and key sizes, in order' {
        $ours = @($Token | Get-Pkcs11Mechanism)
        $lines = @(& p11tool --list-mechanisms $Token.Uri 2>$null)
        $ours.Count | Should -Be $lines.Count
        $ours.Count | Should -BeGreaterThan 20
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $lines[$i] -match '^\[0x([0-9a-f]+)\] (\S+)( keysize range \((\d+), (\d+)\))?' | Should -BeTrue -Because $lines[$i]
            $ours[$i].Type | Should -Be ([Convert]::ToUInt64($Matches[1], 16))
            $ours[$i].Name | Should -BeExactly $Matches[2]
            if ($Matches[3]) { "$($ours[$i].MinKeySize), $($ours[$i].MaxKeySize)" | Should -Be "$($Matches[4]), $($Matches[5])" }
            else { $ours[$i].MaxKeySize | Should -Be 0 }
        }
    }

    It 'reports the flags the module reports, as pkcs11-tool -M prints them' {
        # p11tool prints flags of neighbouring mechanisms (e.g. "sign verify" for CKM_AES_CTR), so the
        # module's own CK_MECHANISM_INFO flags are checked against pkcs11-tool instead.
        $words = [ordered]@{ Hardware = 'hw'; Encrypt = 'encrypt'; Decrypt = 'decrypt'; Digest = 'digest'; Sign = 'sign'; SignRecover = 'sign_recover'
            Verify = 'verify'; VerifyRecover = 'verify_recover'; Generate = 'generate'; GenerateKeyPair = 'generate_key_pair'; Wrap = 'wrap'; Unwrap = 'unwrap'; Derive = 'derive' }
        $ours = @($Token | Get-Pkcs11Mechanism)
        $lines = @(& pkcs11-tool --module $Token.ModulePath --slot $Token.SlotId -M 2>$null | Select-Object -Skip 1)
        $lines.Count | Should -Be $ours.Count
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $theirs = @($lines[$i].Split(',').Trim() | Where-Object { $_ -in $words.Values })
            $expected = @($words.Keys | Where-Object { $ours[$i].Flags.HasFlag([SmartCardPS.Pkcs11.Pkcs11MechanismFlags]$_) } | ForEach-Object { $words[$_] })
            "$($ours[$i].Name): $($theirs -join ' ')" | Should -Be "$($ours[$i].Name): $($expected -join ' ')"
        }
    }

    It 'gives the same list by -Uri as from the pipeline, for the named token only' {
        $byUri = @(Get-Pkcs11Mechanism -Uri $Token.Uri)
        $byPipe = @($Token | Get-Pkcs11Mechanism)
        $byUri.Name | Should -Be $byPipe.Name
        $byUri.Token | Sort-Object -Unique | Should -Be 'Mech one'
        $byUri[0].TokenUri | Should -Be $Token.Uri
        (Get-Pkcs11Mechanism -Uri "pkcs11:token=Mech%20two?module-name=softhsm2").Token | Sort-Object -Unique | Should -Be 'Mech two'
    }

    It 'lists every token when given neither -Token nor -Uri' {
        $all = @(Get-Pkcs11Mechanism)
        $all.TokenUri | Sort-Object -Unique | Should -Be (Get-Pkcs11Token | Sort-Object Uri -Unique).Uri
        $all.Token | Should -Contain 'Mech two'
        $all.Count | Should -Be (Get-Pkcs11Token | Get-Pkcs11Mechanism).Count
    }

    It 'reports an invalid URI and a URI that matches no token' {
        { Get-Pkcs11Mechanism -Uri 'token=Mech one' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11MechanismInvalidUri,SmartCardPS.Commands.GetPkcs11MechanismCommand'
        { Get-Pkcs11Mechanism -Uri 'pkcs11:token=Nope' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11MechanismTokenNotFound,SmartCardPS.Commands.GetPkcs11MechanismCommand'
    }

    It 'takes a label typed unescaped, as Get-Pkcs11Token shows it' {
        (Get-Pkcs11Mechanism -Uri 'pkcs11:token=Mech two').Token | Sort-Object -Unique | Should -Be 'Mech two'
    }

    It 'ignores a query attribute it does not know and rejects such a path attribute' {
        (Get-Pkcs11Mechanism -Uri 'pkcs11:token=Mech%20two?foo=bar&module-name=softhsm2').Token | Sort-Object -Unique | Should -Be 'Mech two'
        { Get-Pkcs11Mechanism -Uri 'pkcs11:token=Mech%20two;foo=bar' -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11MechanismInvalidUri,SmartCardPS.Commands.GetPkcs11MechanismCommand' -ExpectedMessage '*foo*'
    }
}
