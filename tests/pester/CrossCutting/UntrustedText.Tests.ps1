# Issue 8, defect 5: text from files, modules, tokens and the command line reaches messages with control characters
# escaped (\x1B) and long text cut, so a hostile config file cannot write escape sequences to the terminal. Bidi
# controls and invisible characters are escaped too (\u202E), so a name cannot reorder what a person reads; and what
# -WhatIf and -Confirm print (the ShouldProcess texts) is held to the same rule.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:NoFixture = -not (Test-SoftHsmFixtureRequired)
}

BeforeAll {
    . (Join-Path $PSScriptRoot '../Support/Pkcs11Common.ps1')
    . (Join-Path $PSScriptRoot '../Support/NssCommon.ps1')
    $script:Hsm = Start-TestSoftHsm -Label 'Untrusted'
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) "smartcardps-untrusted-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    New-Item -ItemType Directory $Scratch | Out-Null
    # ESC [2J (clear screen), BEL, a newline and RIGHT-TO-LEFT OVERRIDE, and how messages must show them.
    $script:Evil = "`e[2J`a`n`u{202E}"
    $script:Shown = '\x1B[2J\x07\x0A\u202E'
    # Within one line, for file content: ESC, BEL, U+202E, U+200B; and for NSS names, which refuse control characters.
    $script:EvilLine = "`e[2J`a`u{202E}`u{200B}"
    $script:ShownLine = '\x1B[2J\x07\u202E\u200B'
    $script:EvilName = "Smart`u{202E}draC`u{200B}"
    $script:ShownName = "'Smart\u202EdraC\u200B'"
    $script:EvilDir = Join-Path $Scratch "dir$Evil"
    New-Item -ItemType Directory $EvilDir | Out-Null
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
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11TokenModuleNotFound,SmartCardPS.Commands.GetPkcs11TokenCommand'
        Assert-EscapedText $failures[0].Exception.Message "'no\x08such\x0D\x0Amodule'"
    }

    It 'escapes a pkcs11: URI that is not one' {
        Get-Pkcs11Mechanism -Uri "pkcs11:token=`e[5m" -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'GetPkcs11MechanismTokenNotFound,SmartCardPS.Commands.GetPkcs11MechanismCommand'
        Assert-EscapedText $failures[0].Exception.Message "'pkcs11:token=\x1B[5m'"
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

    # One check of a hex CKA_ID (SmartCardCmdlet.HexIdOrStop) serves every cmdlet that takes one.
    It 'stops <Command> at an <Parameter> that is not hex, naming it escaped' -ForEach @(
        @{ Command = 'Get-Pkcs11Object'; Parameter = '-Id'; Arguments = @{} }
        @{ Command = 'Import-Pkcs11Certificate'; Parameter = '-Id'; Arguments = @{ Token = 'Untrusted'; Path = 'never.pem' } }
        @{ Command = 'Remove-Pkcs11Object'; Parameter = '-Id'; Arguments = @{ Token = 'Untrusted'; Confirm = $false } }
        @{ Command = 'Set-Pkcs11Object'; Parameter = '-Id'; Arguments = @{ Token = 'Untrusted'; NewLabel = 'x' } }
        @{ Command = 'Set-Pkcs11Object'; Parameter = '-NewId'; Arguments = @{ Token = 'Untrusted'; Label = 'x' } }
        @{ Command = 'New-Pkcs11KeyPair'; Parameter = '-Id'; Arguments = @{ Token = 'Untrusted' } }
    ) {
        $Arguments[$Parameter.TrimStart('-')] = "zz`e[2J`u{202E}"
        $id = "$($Command -replace '-')InvalidId,SmartCardPS.Commands.$($Command -replace '-')Command"
        $e = { & $Command @Arguments -ErrorAction Stop } | Should -Throw -ErrorId $id -PassThru
        $e.Exception.Message | Should -BeLike "$Parameter *is not hex*"
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

Describe 'Untrusted text in messages about scripts, NSS databases and policies' {
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
        Set-FirefoxSecurityDevicePolicy -Name Smart -ModulePath $SoftHsmLibrary -PolicyPath $policy -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -Be 'SetFirefoxSecurityDevicePolicyInvalidData,SmartCardPS.Commands.SetFirefoxSecurityDevicePolicyCommand'
        Assert-EscapedText $failures[0].Exception.Message 'policy\x1B[2J\u202E/policies.json is not valid JSON'
    }
}

Describe 'ShouldProcess texts of the p11-kit cmdlets' -Skip:$NoFixture {
    BeforeEach { Clear-TestRegistry }

    It 'Register-OpenScModule -Path escapes the config file path' {
        $path = Join-Path $EvilDir 'opensc.module'
        $text = Get-WhatIfText { Register-OpenScModule -Path $path -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/opensc.module"
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    # Such a path cannot go into a p11-kit config (its line break would start a line of its own): it is refused, escaped.
    It 'Register-Pkcs11Module escapes the library path it refuses' {
        $link = Join-Path $EvilDir 'libsofthsm2.so'
        New-Item -ItemType SymbolicLink -Path $link -Target ([SmartCardPS.TestFixture.SoftHsmFixture]::LibraryPath) -Force | Out-Null
        Register-Pkcs11Module -Name my-hsm -ModulePath $link -WhatIf -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -Be 'RegisterPkcs11ModuleInvalidValue,SmartCardPS.Commands.RegisterPkcs11ModuleCommand'
        Assert-EscapedText $errs[0].Exception.Message "dir$Shown/libsofthsm2.so"
    }

    It 'Unregister-Pkcs11Module escapes the module: line read from the config file' {
        Set-TestModuleConfig $SystemModuleDir 'evil' "module: /opt/lib$EvilLine.so`n" | Out-Null
        $text = Get-WhatIfText { Unregister-Pkcs11Module -Name evil -WhatIf } $Scratch
        Assert-EscapedText $text "/opt/lib$ShownLine.so"
    }

    It 'Unregister-OpenScModule -Path escapes the config file path' {
        New-Item -ItemType Directory (Join-Path $EvilDir 'modules') -Force | Out-Null
        $path = Join-Path $EvilDir 'modules/opensc.module'
        [IO.File]::WriteAllText($path, "module: opensc-pkcs11.so`n")
        $text = Get-WhatIfText { Unregister-OpenScModule -Path $path -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/modules/opensc.module"
        Test-Path -LiteralPath $path | Should -BeTrue
    }
}

Describe 'ShouldProcess texts of the NSS and Firefox cmdlets' -Skip:$NssToolsMissing {
    BeforeAll {
        $script:Db = Join-Path $EvilDir 'nssdb'
        New-Item -ItemType Directory $Db | Out-Null
        & certutil -N --empty-password -d "sql:$Db"
        if ($LASTEXITCODE) { throw "certutil -N failed in $Db" }
        # pkcs11.txt cannot hold a control character, so the library's directory holds the invisible ones alone.
        $libDir = Join-Path $Scratch "lib`u{202E}`u{200B}"
        New-Item -ItemType Directory $libDir | Out-Null
        $script:EvilLibrary = Join-Path $libDir 'opensc-pkcs11.so'
        $script:ShownLibrary = 'lib\u202E\u200B/opensc-pkcs11.so'
        New-Item -ItemType SymbolicLink -Path $EvilLibrary -Target $OpenScLibraryPath -Force | Out-Null
    }

    It 'Register-NssModule escapes the module name, the library and the database directory' {
        $text = Get-WhatIfText { Register-NssModule -Name $EvilName -ModulePath $EvilLibrary -NssDatabase $Db -WhatIf } $Scratch
        Assert-EscapedText $text $ShownName, $ShownLibrary, "dir$Shown/nssdb"
    }

    It 'Unregister-NssModule escapes the module name, its library and the database directory' {
        Register-NssModule -Name $EvilName -ModulePath $EvilLibrary -NssDatabase $Db | Out-Null
        $text = Get-WhatIfText { Unregister-NssModule -Name $EvilName -NssDatabase $Db -WhatIf } $Scratch
        Assert-EscapedText $text $ShownName, $ShownLibrary, "dir$Shown/nssdb"
        (Get-NssModule -NssDatabase $Db).Name | Should -Contain $EvilName
    }

    It 'Set-FirefoxSecurityDevicePolicy escapes the device name, its library and the policies.json path' {
        $policy = Join-Path $EvilDir 'policies.json'
        $text = Get-WhatIfText { Set-FirefoxSecurityDevicePolicy -Name $EvilName -ModulePath $EvilLibrary -PolicyPath $policy -WhatIf } $Scratch
        Assert-EscapedText $text $ShownName, $ShownLibrary, "dir$Shown/policies.json"
        Test-Path -LiteralPath $policy | Should -BeFalse
    }
}

Describe 'ShouldProcess texts of the configuration and card cmdlets' {
    It 'Set-OpenScConfiguration escapes the file path and the values' {
        $conf = Join-Path $EvilDir 'opensc.conf'
        # A control character in a value is refused before -WhatIf (Security.Input.Tests.ps1); a bidi control is written, and shown escaped.
        $text = Get-WhatIfText { Set-OpenScConfiguration -Path $conf -DebugFile "/tmp/log[31m`u{202E}" -Create -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/opensc.conf", '/tmp/log[31m\u202E'
        Test-Path -LiteralPath $conf | Should -BeFalse
    }

    It 'New-SmartCardUdevRule escapes the rules directory' {
        $text = Get-WhatIfText { New-SmartCardUdevRule -Name smargo -VendorId 0403 -ProductId 6001 -Serial A1B2C3 -RulesDirectory $EvilDir -WhatIf } $Scratch
        Assert-EscapedText $text "dir$Shown/98-smargo.rules"
    }

    It 'Connect-SmartCard escapes the reader name' {
        $text = Get-WhatIfText { Connect-SmartCard -Reader "Reader$Evil" -WhatIf } $Scratch
        Assert-EscapedText $text "Reader$Shown"
    }

    It 'Send-SmartCardApdu escapes the reader name and the script path' {
        $text = Get-WhatIfText { Send-SmartCardApdu '00 A4 04 00' -Reader "Reader$Evil" -WhatIf } $Scratch
        Assert-EscapedText $text "Reader$Shown"
        $script = Join-Path $EvilDir 'select.apdu'
        [IO.File]::WriteAllText($script, "00 A4 04 00`n")
        $text = Get-WhatIfText { Send-SmartCardApdu -ScriptPath $script -Reader "Reader$Evil" -WhatIf } $Scratch
        Assert-EscapedText $text "Reader$Shown", "dir$Shown/select.apdu"
    }
}

Describe 'Untrusted text in reader names' -Skip:(-not (Test-PcscFixtureRequired)) {
    BeforeAll {
        # pcscd takes a reader.conf FRIENDLYNAME with ESC [2J and U+202E in it, and names the readers after it.
        $script:Pcsc = Start-TestPcsc -FriendlyName "Evil`e[2J`u{202E}Reader"
        if ($Pcsc) {
            $Pcsc.Insert(0, '3B 02 14 50') | Out-Null
            Wait-TestReader $Pcsc.ReaderNames[0] $true | Out-Null
        }
    }

    AfterAll { if ($script:Pcsc) { $script:Pcsc.Dispose() } }

    It 'Disconnect-SmartCard -WhatIf escapes the reader name' {
        $connection = Connect-SmartCard -Reader $Pcsc.ReaderNames[0]
        try {
            $text = Get-WhatIfText { $connection | Disconnect-SmartCard -WhatIf } $Scratch
            Assert-EscapedText $text 'Evil\x1B[2J\u202EReader 00 00'
        }
        finally { $connection | Disconnect-SmartCard }
    }

    It 'escapes the reader name in the error of a reader without a card' {
        Send-SmartCardApdu '00 A4 04 00' -Reader $Pcsc.ReaderNames[1] -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'SendSmartCardApduNoSmartCard,SmartCardPS.Commands.SendSmartCardApduCommand'
        Assert-EscapedText $err[0].Exception.Message "'Evil\x1B[2J\u202EReader 00 01'"
    }

    It 'Test-SmartCardSetup escapes the reader names in its details' {
        Clear-TestRegistry
        $checks = @(Test-SmartCardSetup)
        foreach ($c in $checks) { Assert-EscapedText "$($c.Detail) $($c.Remedy)" }
        ($checks | Where-Object Name -EQ 'Readers').Detail | Should -BeLike "*'Evil\x1B``[2J\u202EReader 00 00'*"
    }
}
