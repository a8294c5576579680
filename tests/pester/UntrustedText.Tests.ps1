# Issue 8, defect 5: text from files, modules, tokens and the command line reaches messages with control characters
# escaped (\x1B) and long text cut, so a hostile config file cannot write escape sequences to the terminal.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Pkcs11Common.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Untrusted'
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-untrusted-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null

}

AfterAll {
    if ($script:Hsm) { $script:Hsm.Dispose() }
    Remove-Item $Scratch -Recurse -Force -ErrorAction SilentlyContinue
    Clear-TestRegistry
}

Describe 'Untrusted text in messages' -Skip:$NoFixture {
    BeforeEach { Clear-TestRegistry }

    It 'escapes a binary config file in the warning' {
        $bytes = [byte[]](0x1B, 0x5D, 0x30, 0x3B, 0x70, 0x77, 0x6E, 0x64, 0x07, 0x1B, 0x5B, 0x32, 0x4A, 0x00, 0xFF, 0x9B, 0x31, 0x6D, 0x0A)
        New-Item -ItemType Directory -Force $SystemModuleDir | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $SystemModuleDir 'garbage.module'), $bytes)
        Get-Pkcs11Module -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        $warnings.Count | Should -Be 1
        Assert-EscapedText $warnings[0].Message
        $warnings[0].Message | Should -BeLike '*\x1B]0;pwnd\x07\x1B`[2J*'
    }

    It 'escapes a module path from a config in the module error' {
        Set-TestModuleConfig $SystemModuleDir 'evil' "module: /nonexistent/`e[31mred`e[0m.so`n" | Out-Null
        Get-Pkcs11Module -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-EscapedText $failures[0].Exception.Message
        $failures[0].Exception.Message | Should -BeLike '*/nonexistent/\x1B`[31mred\x1B`[0m.so*'
    }

    It 'escapes and cuts a label given on the command line' {
        $label = "`e`a" + ('x' * 5000)
        Get-Pkcs11Token -Label $label -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-EscapedText $failures[0].Exception.Message
        $failures[0].Exception.Message | Should -BeLike '*\x1B\x07xxx*…*'
        $failures[0].Exception.Message.Length | Should -BeLessThan 500
    }

    It 'escapes a -Module value that names nothing' {
        Get-Pkcs11Token -Module "no`bsuch`r`nmodule" -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-EscapedText $failures[0].Exception.Message
    }

    It 'escapes a pkcs11: URI that is not one' {
        Get-Pkcs11Mechanism -Uri "pkcs11:token=`e[5m" -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures | ForEach-Object { Assert-EscapedText $_.Exception.Message }
    }

    It 'escapes an ATR argument that is not hex' {
        { ConvertFrom-Atr "3B `e[31m" -ErrorAction Stop } | Should -Throw
        $Error[0].Exception.Message | ForEach-Object { Assert-EscapedText $_ }
    }

    It 'escapes a pin-source path read from a pkcs11: URI' {
        $Hsm.Register('softhsm2') | Out-Null
        Get-Pkcs11Object -Uri 'pkcs11:token=Untrusted?pin-source=file:/nonexistent/pin%1B%5B2J%E2%80%AE' -Login -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11ObjectPinSourceUnreadable,SmartCardPS.Commands.GetPkcs11ObjectCommand'
        Assert-EscapedText $failures[0].Exception.Message '/nonexistent/pin\x1B[2J\u202E'
    }

    It 'escapes an -Id that is not hex' {
        $e = { Get-Pkcs11Object -Id "zz`e[2J`u{202E}" -ErrorAction Stop } |
            Should -Throw -ErrorId 'GetPkcs11ObjectInvalidId,SmartCardPS.Commands.GetPkcs11ObjectCommand' -PassThru
        Assert-EscapedText $e.Exception.Message "'zz\x1B[2J\u202E'"
    }

    It 'escapes a certificate URI that names nothing' {
        $Hsm.Register('softhsm2') | Out-Null
        Export-Pkcs11Certificate -Uri "pkcs11:token=Untrusted;object=no`u{202E}such;type=cert" -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        Assert-EscapedText $failures[0].Exception.Message 'no\u202Esuch'
    }

    It 'escapes a module name p11-kit would not read' {
        $e = { Register-Pkcs11Module -Name "bad`e[2J`u{202E}" -ModulePath ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) -ErrorAction Stop } | Should -Throw -PassThru
        Assert-EscapedText $e.Exception.Message "'bad\x1B[2J\u202E'"
    }
}

Describe 'Untrusted text in the NSS and Firefox messages' {
    It 'escapes the path of an APDU script that does not exist, or does not parse' {
        $e = { Send-SmartCardApdu -ScriptPath (Join-Path $Scratch "no`e[2J`u{202E}such.apdu") -Reader x -ErrorAction Stop } |
            Should -Throw -ErrorId 'SendSmartCardApduScriptNotFound,SmartCardPS.Commands.SendSmartCardApduCommand' -PassThru
        Assert-EscapedText $e.Exception.Message "no\x1B[2J\u202Esuch.apdu'"
        $bad = Join-Path $Scratch "bad`e[2J`u{202E}.apdu"
        [IO.File]::WriteAllText($bad, "00 A4 04 00`nnot hex`n")
        $e = { Send-SmartCardApdu -ScriptPath $bad -Reader x -ErrorAction Stop } |
            Should -Throw -ErrorId 'SendSmartCardApduInvalidScript,SmartCardPS.Commands.SendSmartCardApduCommand' -PassThru
        Assert-EscapedText $e.Exception.Message 'bad\x1B[2J\u202E.apdu, line 2'

    }

    It 'escapes a library path that does not exist' {
        $e = { Register-NssModule -Name Smart -ModulePath "/nonexistent/lib`u{202E}os.so" -NssDatabase $Scratch -ErrorAction Stop } |
            Should -Throw -ErrorId 'RegisterNssModuleNotFound,SmartCardPS.Commands.RegisterNssModuleCommand' -PassThru
        Assert-EscapedText $e.Exception.Message "'/nonexistent/lib\u202Eos.so'"
    }

    It 'escapes a legacy dbm: database' {
        $e = { Register-NssModule -Name Smart -ModulePath ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) -NssDatabase "dbm:$Scratch/old`e[2J`u{202E}" -ErrorAction Stop } |
            Should -Throw -PassThru
        Assert-EscapedText $e.Exception.Message "old\x1B[2J\u202E'"
    }

    It 'escapes the path of a policies.json that is not JSON' {
        $dir = Join-Path $Scratch "policy`e[2J`u{202E}"
        New-Item -ItemType Directory $dir | Out-Null
        $policy = Join-Path $dir 'policies.json'
        [IO.File]::WriteAllText($policy, '{ not json')
        Set-FirefoxSecurityDevicePolicy -Name Smart -ModulePath /usr/lib/x.so -PolicyPath $policy -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetFirefoxSecurityDevicePolicyInvalidData,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand'
        Assert-EscapedText $failures[0].Exception.Message 'policy\x1B[2J\u202E/policies.json is not valid JSON'
    }
}
